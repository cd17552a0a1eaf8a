package io.regen.realtime.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.config.RegenEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegenMainTest {
  @TempDir Path dataDir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return RegenMain.run(
        args,
        new RegenEnvironment(Map.of("REGEN_DATA_DIR", dataDir.toString())),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryRole() {
    assertThat(run("help")).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    for (var role : RegenMain.ROLES) {
      assertThat(help).contains("  " + role.name() + " ");
    }
    assertThat(run()).isZero();
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertThat(run("launch")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown command 'launch'")
        .contains("usage: regen");
  }

  @Test
  void badArgumentsAreUsageErrorsWithTheRolesUsage() {
    assertThat(run("token")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("needs a user id")
        .contains("usage: regen token <userId>");
    assertThat(run("up", "--port", "1")).isEqualTo(2);
  }

  @Test
  void tokenPrintsOnlyTheToken() {
    assertThat(run("token", "alice", "--roles", "analyst")).isZero();
    String printed = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(printed.split("\\.")).hasSize(3);
    assertThat(printed).doesNotContain("\n");
  }
}
