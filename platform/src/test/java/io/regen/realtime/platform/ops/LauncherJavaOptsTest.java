package io.regen.realtime.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.regen.realtime.platform.testing.RepositoryFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's JVM flags ({@code ./regen}'s {@code default_java_opts}, the script sourced by
 * bash): the set for each Java version, and that the JVMs on this machine accept it (a flag a JVM
 * does not know stops it before {@code main}, so a typo here would stop every role).
 */
class LauncherJavaOptsTest {
  private static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

  @Test
  void java17GetsG1WithAFixedYoungGenerationAndEarlyTenuring() throws Exception {
    assertThat(optsFor("17"))
        .isEqualTo(
            "-XX:+UseG1GC -XX:MaxGCPauseMillis=10 -Xmn128m -XX:MaxTenuringThreshold=4"
                + " -Xms256m -Xmx512m -XX:+ExitOnOutOfMemoryError");
  }

  @Test
  void java21And25GetGenerationalZgcInTheSameHeap() throws Exception {
    assertThat(optsFor("21"))
        .isEqualTo("-XX:+UseZGC -XX:+ZGenerational -Xms256m -Xmx512m -XX:+ExitOnOutOfMemoryError");
    assertThat(optsFor("25"))
        .isEqualTo("-XX:+UseZGC -Xms256m -Xmx512m -XX:+ExitOnOutOfMemoryError");
  }

  @Test
  void theJavaOnThePathStartsWithItsFlags() throws Exception {
    assertThat(startsWithDefaultFlags(null)).isZero();
  }

  @Test
  void java25StartsWithItsFlags() throws Exception {
    assumeTrue(Files.isExecutable(JAVA_25.resolve("bin/java")), "no Java 25 at " + JAVA_25);
    assertThat(startsWithDefaultFlags(JAVA_25)).isZero();
  }

  private static String optsFor(String major) throws Exception {
    return run(null, "java_major() { echo " + major + "; }; default_java_opts");
  }

  /** Exit code of {@code java <default flags> -version} with the launcher's own version check. */
  private static int startsWithDefaultFlags(Path javaHome) throws Exception {
    Process p = start(javaHome, "\"$JAVA\" $(default_java_opts) -version");
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  private static String run(Path javaHome, String commands) throws Exception {
    Process p = start(javaHome, commands);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", commands, out).isZero();
    return out;
  }

  private static Process start(Path javaHome, String commands) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash", "-c", ". '" + RepositoryFiles.resolve("regen") + "'\n" + commands)
            .redirectErrorStream(true);
    if (javaHome == null) {
      pb.environment().remove("JAVA_HOME");
    } else {
      pb.environment().put("JAVA_HOME", javaHome.toString());
    }
    return pb.start();
  }
}
