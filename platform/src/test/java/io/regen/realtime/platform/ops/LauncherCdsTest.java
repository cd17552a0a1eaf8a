package io.regen.realtime.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.testing.RepositoryFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data sharing archive ({@code ./regen}'s {@code build_cds} and {@code
 * launch_args}, the script sourced by bash): trained once per jar, never launched with an archive
 * of another jar. Extraction and training are stubbed (they record their calls); everything else is
 * the script's own code on a temporary jar.
 */
class LauncherCdsTest {
  @TempDir Path dir;
  private Path jar;
  private Path cds;
  private Path calls;
  private String javaVersion = "17";

  @BeforeEach
  void paths() {
    jar = dir.resolve("regen.jar");
    cds = dir.resolve("regen-cds");
    calls = dir.resolve("calls");
  }

  @Test
  void theFirstBuildTrainsAndTheSameJarRebuiltTrainsNothing() throws Exception {
    writeJar("jar one", Instant.parse("2026-12-01T10:00:00Z"));
    run("build_cds");
    assertThat(calls()).containsExactly("extract", "train");
    assertThat(run("launch_args")).isEqualTo(withArchive("17"));

    writeJar("jar one", Instant.parse("2026-12-01T11:00:00Z")); // rebuilt, byte-identical
    run("build_cds");
    run("build_cds");

    assertThat(calls()).containsExactly("extract", "train");
    assertThat(run("launch_args")).isEqualTo(withArchive("17"));
  }

  @Test
  void aChangedJarStartsWithoutTheOldArchiveUntilItsOwnIsTrained() throws Exception {
    writeJar("jar one", Instant.parse("2026-12-01T10:00:00Z"));
    run("build_cds");
    writeJar("jar two", Instant.parse("2026-12-01T11:00:00Z")); // same size, other content

    assertThat(run("launch_args")).isEqualTo("-jar " + jar);
    run("build_cds");
    assertThat(calls()).containsExactly("extract", "train", "extract", "train");
    assertThat(run("launch_args")).isEqualTo(withArchive("17"));
  }

  @Test
  void anotherJavaVersionTrainsItsOwnArchiveFromTheSameExtraction() throws Exception {
    writeJar("jar one", Instant.parse("2026-12-01T10:00:00Z"));
    run("build_cds");
    javaVersion = "25";

    assertThat(run("launch_args")).isEqualTo("-jar " + jar);
    run("build_cds");
    assertThat(calls()).containsExactly("extract", "train", "train");
    assertThat(run("launch_args")).isEqualTo(withArchive("25"));
    javaVersion = "17";
    assertThat(run("launch_args")).isEqualTo(withArchive("17"));
  }

  @Test
  void fromJava25TheArchiveIsAnAotCacheTrainedAndUsedWithItsOwnFlags() throws Exception {
    javaVersion = "25";
    assertThat(run("cds_archive; cds_output_flag; cds_use_flag").lines())
        .containsExactly(
            cds.resolve("regen-java25.aot").toString(), "-XX:AOTCacheOutput", "-XX:AOTCache");
    javaVersion = "21";
    assertThat(run("cds_archive; cds_output_flag; cds_use_flag").lines())
        .containsExactly(
            cds.resolve("regen-java21.jsa").toString(),
            "-XX:ArchiveClassesAtExit",
            "-XX:SharedArchiveFile");
  }

  @Test
  void aFailedTrainingLeavesNoArchiveAndTheJarStartsAsItIs() throws Exception {
    writeJar("jar one", Instant.parse("2026-12-01T10:00:00Z"));

    int status = exit("cds_train() { echo partial > \"$1\"; return 1; }; build_cds");

    assertThat(status).isNotZero();
    assertThat(cds.resolve("regen-java17.jsa")).doesNotExist();
    assertThat(cds.resolve("regen-java17.jsa.training")).doesNotExist();
    assertThat(run("launch_args")).isEqualTo("-jar " + jar);
    run("build_cds"); // the next build trains
    assertThat(run("launch_args")).isEqualTo(withArchive("17"));
  }

  @Test
  void cdsOffNeitherTrainsNorUsesAnArchive() throws Exception {
    writeJar("jar one", Instant.parse("2026-12-01T10:00:00Z"));
    run("build_cds");

    assertThat(run("REGEN_CDS=off; build_cds; launch_args")).isEqualTo("-jar " + jar);
    assertThat(calls()).containsExactly("extract", "train");
  }

  @Test
  void theJavaVersionIsReadFromTheReleaseFileWithoutStartingAJvm() throws Exception {
    Path java = fakeJava();
    Files.writeString(java.getParent().resolveSibling("release"), "JAVA_VERSION=\"25.0.3\"\n");

    assertThat(runRaw("JAVA='" + java + "'; java_major")).isEqualTo("25");
    assertThat(calls()).isEmpty();

    Files.delete(java.getParent().resolveSibling("release")); // then the JVM is asked
    assertThat(runRaw("JAVA='" + java + "'; java_major")).isEqualTo("21");
    assertThat(calls()).containsExactly("-XshowSettings:properties -version");
  }

  @Test
  void theGatewayStartsWithLaterC2CompilationUnlessTheFlagsAreReplaced() throws Exception {
    Path java = fakeJava();
    Files.writeString(java.getParent().resolveSibling("release"), "JAVA_VERSION=\"17.0.15\"\n");
    writeJar("jar one", Instant.parse("2026-12-01T10:00:00Z"));
    String launch = "JAVA='" + java + "'; REGEN_SKIP_BUILD=1; main ";

    assertThat(runRaw(launch + "gateway"))
        .contains(" -XX:Tier4InvocationThreshold=50000 ", " -XX:Tier4CompileThreshold=150000 ")
        .endsWith("-jar " + jar + " gateway");
    assertThat(runRaw(launch + "streams")).doesNotContain("Tier4").endsWith(" streams");
    assertThat(runRaw("REGEN_JAVA_OPTS=-Xmx1g; " + launch + "gateway"))
        .isEqualTo("-Xmx1g -jar " + jar + " gateway");
  }

  /** {@code <dir>/jdk/bin/java}: records its arguments, answers like a Java 21. */
  private Path fakeJava() throws IOException {
    Path java = dir.resolve("jdk/bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(
        java,
        String.join(
            "\n",
            "#!/usr/bin/env bash",
            "if [ \"$1\" = -XshowSettings:properties ]; then",
            "  echo \"$*\" >> '" + calls + "'",
            "  echo '    java.specification.version = 21' >&2",
            "else",
            "  echo \"$*\"",
            "fi",
            ""));
    java.toFile().setExecutable(true);
    return java;
  }

  private String withArchive(String java) {
    boolean aotCache = Integer.parseInt(java) >= 25;
    return (aotCache ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=")
        + cds.resolve("regen-java" + java + (aotCache ? ".aot" : ".jsa"))
        + " -jar "
        + cds
        + "/regen.jar";
  }

  private void writeJar(String content, Instant modified) throws IOException {
    Files.writeString(jar, content);
    Files.setLastModifiedTime(jar, FileTime.from(modified));
  }

  private List<String> calls() throws IOException {
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private String run(String commands) throws Exception {
    return output(start(commands), commands);
  }

  /** Sources the launcher as it is (its own java_major), the jar pointed at the temporary one. */
  private String runRaw(String commands) throws Exception {
    return output(launcher(commands), commands);
  }

  private String output(Process p, String commands) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", commands, out).isZero();
    return out;
  }

  private int exit(String commands) throws Exception {
    Process p = start(commands);
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  /** Sources the launcher, points it at the temporary jar and stubs the JVM runs. */
  private Process start(String commands) throws IOException {
    return launcher(
        String.join(
            "\n",
            "java_major() { echo " + javaVersion + "; }",
            "cds_extract() { mkdir -p \"$CDS_DIR\" && echo extract >> '" + calls + "'; }",
            "cds_train() { echo train >> '" + calls + "'; echo archive > \"$1\"; }",
            commands));
  }

  /** Sources the launcher with its jar and archive directory the temporary ones, then commands. */
  private Process launcher(String commands) throws IOException {
    String script =
        String.join(
            "\n",
            ". '" + RepositoryFiles.resolve("regen") + "'",
            "JAR='" + jar + "'",
            "CDS_DIR='" + cds + "'",
            commands);
    return new ProcessBuilder("bash", "-c", script)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
