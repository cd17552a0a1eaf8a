package io.regen.realtime.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryUsersTest {
  private static final RegistryUsers USERS =
      RegistryUsers.parse("reader: r,read\n\n# comment\nadmin: a:b,c,admin\n");

  @Test
  void authenticatesBasicCredentialsToTheirAccess() {
    assertThat(USERS.authenticate(RawHttp.basic("reader", "r"))).hasValue(RegistryAccess.READ);
    assertThat(USERS.authenticate(RawHttp.basic("admin", "a:b,c")))
        .as("the password is everything between ':' and the last ','")
        .hasValue(RegistryAccess.ADMIN);
    assertThat(USERS.authenticate("basic " + RawHttp.basic("reader", "r").substring(6)))
        .hasValue(RegistryAccess.READ);
  }

  @Test
  void refusesEverythingElse() {
    assertThat(USERS.authenticate(null)).isEmpty();
    assertThat(USERS.authenticate(RawHttp.basic("reader", "x"))).isEmpty();
    assertThat(USERS.authenticate(RawHttp.basic("nobody", "r"))).isEmpty();
    assertThat(USERS.authenticate("Basic !!!")).isEmpty();
    assertThat(
            USERS.authenticate(
                "Basic " + java.util.Base64.getEncoder().encodeToString(new byte[] {'x'})))
        .isEmpty();
    assertThat(USERS.authenticate("Bearer token")).isEmpty();
  }

  @Test
  void accessLevelsIncludeTheLowerOnes() {
    assertThat(RegistryAccess.ADMIN.allows(RegistryAccess.WRITE)).isTrue();
    assertThat(RegistryAccess.WRITE.allows(RegistryAccess.READ)).isTrue();
    assertThat(RegistryAccess.WRITE.allows(RegistryAccess.ADMIN)).isFalse();
    assertThat(RegistryAccess.READ.allows(RegistryAccess.WRITE)).isFalse();
  }

  @Test
  void malformedFilesFailNamingTheLine() {
    assertThatThrownBy(() -> RegistryUsers.parse("a: b,read\nbroken"))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> RegistryUsers.parse("a: b,owner"))
        .hasMessageContaining("read, write or admin");
    assertThatThrownBy(() -> RegistryUsers.parse("a: ,read"))
        .hasMessageContaining("empty password");
    assertThatThrownBy(() -> RegistryUsers.parse("a: b,read\na: c,admin"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> RegistryUsers.parse("# nothing")).hasMessageContaining("no user");
  }

  @Test
  void optionsReadTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("users"), "w: p,write\n");
    RegistryServerOptions options =
        RegistryServerOptions.fromEnvironment(
            Map.of(
                RegistryServerOptions.USERS_FILE_ENV,
                file.toString(),
                RegistryServerOptions.MAX_SUBJECTS_ENV,
                "5"),
            8081,
            RegistryServerOptions.LOOPBACK);
    assertThat(options.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(options.limits().maxSubjects()).isEqualTo(5);
    assertThat(options.users().authenticate(RawHttp.basic("w", "p")))
        .hasValue(RegistryAccess.WRITE);
    assertThat(
            RegistryServerOptions.fromEnvironment(
                    Map.of(RegistryServerOptions.BIND_ADDRESS_ENV, "0.0.0.0"), 1, "127.0.0.1")
                .bindAddress())
        .isEqualTo("0.0.0.0");
    assertThatThrownBy(
            () ->
                RegistryServerOptions.fromEnvironment(
                    Map.of(RegistryServerOptions.MAX_VERSIONS_ENV, "0"), 1, "127.0.0.1"))
        .hasMessageContaining("SCHEMA_REGISTRY_MAX_VERSIONS");
    assertThatThrownBy(
            () ->
                RegistryServerOptions.fromEnvironment(
                    Map.of(RegistryServerOptions.USERS_FILE_ENV, dir.resolve("missing").toString()),
                    1,
                    "127.0.0.1"))
        .hasMessageContaining("missing");
  }
}
