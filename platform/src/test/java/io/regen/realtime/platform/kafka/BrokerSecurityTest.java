package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.cli.UsageException;
import io.regen.realtime.platform.config.BrokerOptions;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerSecurityTest {
  private static final BrokerSecurity SECURITY =
      new BrokerSecurity(Map.of("broker", "b-pass", "worker", "w-pass"));

  @Test
  void aSecuredNodeSpeaksScramToClientsPlainBetweenControllersAndAuthorizes() {
    BrokerSettings s =
        BrokerSettings.singleNode(9092, 9093, Path.of("/tmp/secured")).withSecurity(SECURITY);
    Map<String, String> p = EmbeddedKraftBroker.brokerProperties(s);
    assertThat(p.get("listeners"))
        .isEqualTo("SASL_PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093");
    assertThat(p.get("advertised.listeners")).isEqualTo("SASL_PLAINTEXT://localhost:9092");
    assertThat(p.get("inter.broker.listener.name")).isEqualTo("SASL_PLAINTEXT");
    assertThat(p.get("listener.security.protocol.map"))
        .isEqualTo("SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
    assertThat(p.get("listener.name.sasl_plaintext.sasl.enabled.mechanisms"))
        .isEqualTo("SCRAM-SHA-512");
    assertThat(p.get("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config"))
        .contains("username=\"broker\" password=\"b-pass\"");
    assertThat(p.get("sasl.mechanism.controller.protocol")).isEqualTo("PLAIN");
    assertThat(p.get("listener.name.controller.plain.sasl.jaas.config"))
        .contains("user_broker=\"b-pass\"");
    assertThat(p.get("authorizer.class.name"))
        .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    assertThat(p.get("super.users")).isEqualTo("User:broker;User:admin");
    assertThat(p.get("allow.everyone.if.no.acl.found")).isEqualTo("false");
  }

  @Test
  void anUnsecuredNodeStaysPlaintextWithoutAuthorizer() {
    Map<String, String> p =
        EmbeddedKraftBroker.brokerProperties(
            BrokerSettings.singleNode(9092, 9093, Path.of("/tmp/plain")));
    assertThat(p.get("listeners")).startsWith("PLAINTEXT://");
    assertThat(p).doesNotContainKey("authorizer.class.name");
  }

  @Test
  void usersFileNeedsTheBrokerUserAndSafeValues(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("users"), "broker=b\nworker = w \n");
    assertThat(BrokerSecurity.fromUsersFile(file).users())
        .containsExactlyInAnyOrderEntriesOf(Map.of("broker", "b", "worker", "w"));
    assertThatThrownBy(() -> new BrokerSecurity(Map.of("worker", "w")))
        .hasMessageContaining("'broker'");
    assertThatThrownBy(() -> new BrokerSecurity(Map.of("broker", "a\"b")))
        .hasMessageContaining("contains");
    assertThatThrownBy(() -> new BrokerSecurity(Map.of("broker", "b", "a b", "c")))
        .hasMessageContaining("'a b'");
    assertThat(SECURITY.toString()).doesNotContain("pass");
    Path empty = Files.writeString(dir.resolve("empty"), "# none\n");
    assertThatThrownBy(() -> BrokerSecurity.fromUsersFile(empty)).hasMessageContaining("no user");
  }

  @Test
  void brokerRoleTakesTheUsersFileFromTheFlagOrEnvironment(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("users"), "broker=b\n");
    BrokerSettings fromFlag =
        BrokerOptions.from(
            CommandLine.parse("broker", "--sasl-users", file.toString()),
            new RegenEnvironment(Map.of()));
    assertThat(fromFlag.security().enabled()).isTrue();
    BrokerSettings fromEnv =
        BrokerOptions.from(
            CommandLine.parse("broker"),
            new RegenEnvironment(Map.of(RegenEnvironment.KAFKA_SASL_USERS_FILE, file.toString())));
    assertThat(fromEnv.security().users()).containsKey("broker");
    assertThatThrownBy(
            () ->
                BrokerOptions.from(
                    CommandLine.parse("broker", "--sasl-users", dir.resolve("nope").toString()),
                    new RegenEnvironment(Map.of())))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void rolesGetOnlyWhatTheyNeed() {
    assertThat(RoleAcls.all())
        .filteredOn(b -> b.entry().principal().equals("User:gateway"))
        .noneMatch(
            b ->
                b.pattern().name().equals(Topics.JOB_EVENTS.name())
                    && b.entry().operation() == AclOperation.WRITE);
    assertThat(RoleAcls.all())
        .filteredOn(b -> b.entry().principal().equals("User:worker"))
        .anyMatch(
            b ->
                b.pattern().name().equals(Topics.JOB_EVENTS.name())
                    && b.entry().operation() == AclOperation.WRITE);
  }

  @Test
  void onlyStreamsMayWriteDeadLetters() {
    assertThat(RoleAcls.all())
        .filteredOn(b -> b.pattern().name().equals(Topics.STREAMS_DEAD_LETTERS.name()))
        .filteredOn(b -> b.entry().operation() == AclOperation.WRITE)
        .extracting(b -> b.entry().principal())
        .containsExactly("User:" + RoleAcls.STREAMS_USER);
  }
}
