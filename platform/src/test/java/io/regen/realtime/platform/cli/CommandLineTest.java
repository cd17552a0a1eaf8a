package io.regen.realtime.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {
  @Test
  void noArgumentsMeansHelp() {
    assertThat(CommandLine.parse().command()).isEqualTo("help");
  }

  @Test
  void parsesCommandPositionalsAndBothOptionForms() {
    CommandLine cl = CommandLine.parse("token", "alice", "--roles", "analyst,ops", "--ttl=2h");
    assertThat(cl.command()).isEqualTo("token");
    assertThat(cl.positionals()).containsExactly("alice");
    assertThat(cl.option("roles")).contains("analyst,ops");
    assertThat(cl.option("ttl")).contains("2h");
    assertThat(cl.option("other")).isEmpty();
  }

  @Test
  void anOptionWithoutValueIsAUsageError() {
    assertThatThrownBy(() -> CommandLine.parse("token", "alice", "--roles"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--roles needs a value");
    assertThatThrownBy(() -> CommandLine.parse("token", "--roles", "--ttl", "1h"))
        .isInstanceOf(UsageException.class);
  }

  @Test
  void unknownOptionsAndExtraArgumentsAreRejected() {
    CommandLine cl = CommandLine.parse("token", "alice", "--rolez", "x");
    assertThatThrownBy(() -> cl.expect(1, Set.of("roles", "ttl")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option --rolez")
        .hasMessageContaining("--roles");
    assertThatThrownBy(() -> CommandLine.parse("up", "extra").expect(0, Set.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unexpected argument 'extra'");
  }

  @Test
  void parsesDurations() {
    assertThat(CommandLine.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(CommandLine.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(CommandLine.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(CommandLine.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(CommandLine.parseDuration("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
    assertThat(CommandLine.parseDuration("pt5m")).isEqualTo(Duration.ofMinutes(5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "h", "1x", "abc", "0h", "-1h", "PT0S", "P-1D", "1.5h"})
  void rejectsInvalidDurations(String text) {
    assertThatThrownBy(() -> CommandLine.parseDuration(text)).isInstanceOf(UsageException.class);
  }

  @Test
  void parsesLists() {
    assertThat(CommandLine.parseList(" a, b,,c ")).containsExactly("a", "b", "c");
    assertThat(CommandLine.parseList("")).isEmpty();
  }
}
