package io.regen.realtime.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevSecretTest {
  @TempDir Path dir;

  @Test
  void generatesOnceAndReusesIt() throws Exception {
    Path dataDir = dir.resolve("data");
    String first = DevSecret.loadOrCreate(dataDir);
    String second = DevSecret.loadOrCreate(dataDir);
    assertThat(first).isEqualTo(second);
    assertThat(first.getBytes(StandardCharsets.UTF_8).length).isGreaterThanOrEqualTo(32);
    Path file = dataDir.resolve(DevSecret.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void differentDataDirsGetDifferentSecrets() {
    assertThat(DevSecret.loadOrCreate(dir.resolve("a")))
        .isNotEqualTo(DevSecret.loadOrCreate(dir.resolve("b")));
  }

  @Test
  void jwtSecretFromTheEnvironmentWinsAndWritesNothing() {
    String secret = "s".repeat(40);
    RegenEnvironment env =
        new RegenEnvironment(Map.of("JWT_SECRET", secret, "REGEN_DATA_DIR", dir.toString()));
    assertThat(DevSecret.resolve(env)).isEqualTo(secret);
    assertThat(dir.resolve(DevSecret.FILE_NAME)).doesNotExist();
  }

  @Test
  void withoutJwtSecretTheDevSecretOfTheDataDirIsUsed() {
    RegenEnvironment env = new RegenEnvironment(Map.of("REGEN_DATA_DIR", dir.toString()));
    String secret = DevSecret.resolve(env);
    assertThat(DevSecret.loadOrCreate(dir)).isEqualTo(secret);
  }

  @Test
  void concurrentFirstStartsAgreeOnOneCompleteOwnerOnlySecretAndLeaveNoTemporaryFiles()
      throws Exception {
    Path dataDir = dir.resolve("race");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return DevSecret.loadOrCreate(dataDir);
                }));
      }
      start.countDown();
      java.util.Set<String> secrets = new java.util.HashSet<>();
      for (var result : results) {
        secrets.add(result.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertThat(secrets).hasSize(1);
      Path file = dataDir.resolve(DevSecret.FILE_NAME);
      assertThat(Files.readString(file).trim()).isEqualTo(secrets.iterator().next());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      try (var files = Files.list(dataDir)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly(DevSecret.FILE_NAME);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTruncatedSecretFileIsRefused() throws Exception {
    Files.writeString(dir.resolve(DevSecret.FILE_NAME), "short\n");
    assertThatThrownBy(() -> DevSecret.loadOrCreate(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shorter than 32 bytes");
  }
}
