package io.regen.realtime.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.cli.UsageException;
import io.regen.realtime.platform.kafka.BrokerSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerOptionsTest {
  private static final RegenEnvironment NO_ENV = new RegenEnvironment(Map.of());

  @Test
  void defaultsToASingleNode() {
    BrokerSettings s = BrokerOptions.from(CommandLine.parse("broker"), NO_ENV);
    assertThat(s.nodeId()).isEqualTo(1);
    assertThat(s.port()).isEqualTo(9092);
    assertThat(s.controllerPort()).isEqualTo(9093);
    assertThat(s.quorumVoters()).isEqualTo("1@localhost:9093");
    assertThat(s.logDir()).isEqualTo(NO_ENV.dataDir().resolve("broker-1"));
  }

  @Test
  void flagsWinOverEnvironment() {
    RegenEnvironment env =
        new RegenEnvironment(
            Map.of(
                "KAFKA_NODE_ID", "2",
                "KAFKA_PORT", "29092",
                "KAFKA_QUORUM_VOTERS", "1@localhost:19093,2@localhost:29093,3@localhost:39093",
                "REGEN_DATA_DIR", "/tmp/regen-x"));
    BrokerSettings fromEnv = BrokerOptions.from(CommandLine.parse("broker"), env);
    assertThat(fromEnv.nodeId()).isEqualTo(2);
    assertThat(fromEnv.port()).isEqualTo(29092);
    assertThat(fromEnv.controllerPort()).isEqualTo(29093);
    assertThat(fromEnv.voterCount()).isEqualTo(3);
    assertThat(fromEnv.logDir()).isEqualTo(Path.of("/tmp/regen-x/broker-2"));

    BrokerSettings fromFlags =
        BrokerOptions.from(
            CommandLine.parse(
                "broker",
                "--node-id",
                "3",
                "--port",
                "39092",
                "--controller-port=39093",
                "--data-dir",
                "/tmp/b3"),
            env);
    assertThat(fromFlags.nodeId()).isEqualTo(3);
    assertThat(fromFlags.port()).isEqualTo(39092);
    assertThat(fromFlags.controllerPort()).isEqualTo(39093);
    assertThat(fromFlags.logDir()).isEqualTo(Path.of("/tmp/b3"));
    assertThat(fromFlags.clusterId())
        .as("nodes with the same quorum agree on the cluster id")
        .isEqualTo(fromEnv.clusterId());
  }

  @Test
  void rejectsAQuorumWithoutThisNode() {
    assertThatThrownBy(
            () ->
                BrokerOptions.from(
                    CommandLine.parse(
                        "broker", "--node-id", "1", "--quorum", "11@localhost:1,2@localhost:2"),
                    NO_ENV))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("does not contain this node");
  }

  @Test
  void rejectsBadNumbersAndUnknownFlags() {
    assertThatThrownBy(
            () -> BrokerOptions.from(CommandLine.parse("broker", "--node-id", "x"), NO_ENV))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--node-id");
    assertThatThrownBy(() -> BrokerOptions.from(CommandLine.parse("broker", "--port", "0"), NO_ENV))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--port");
    assertThatThrownBy(
            () -> BrokerOptions.from(CommandLine.parse("broker", "--nodes", "3"), NO_ENV))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option --nodes");
  }
}
