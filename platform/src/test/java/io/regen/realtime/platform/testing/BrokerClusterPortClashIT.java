package io.regen.realtime.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster fixture's answer to a port taken between its pick and the node's bind (a clean-clone
 * CI run lost a secured cluster to a broker that exited at start): the first start fails on the
 * taken port, the fixture starts the cluster again on fresh ports, and the failed run's log says
 * why.
 */
class BrokerClusterPortClashIT {
  private static final Path LOGS = Path.of("target", "broker-cluster-port-clash-it");

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aTakenPortStartsTheClusterAgainOnFreshPorts() throws Exception {
    Path dataDir = Files.createTempDirectory("regen-port-clash");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicBoolean handedOut = new AtomicBoolean();
      // Node 1's client port is the first one asked for: hand out the taken one there, once.
      BrokerCluster cluster =
          BrokerCluster.start(
              dataDir,
              LOGS,
              Map.of(),
              () -> handedOut.compareAndSet(false, true) ? taken.getLocalPort() : FreePorts.next());
      try {
        assertThat(handedOut).isTrue();
        assertThat(Files.readString(LOGS.resolve("broker-1-1.log")))
            .contains("Address already in use");
        assertThat(cluster.bootstrap()).doesNotContain(":" + taken.getLocalPort());
        assertThat(cluster.log(0)).startsWith(LOGS.resolve("attempt-2"));
        try (var admin = cluster.admin()) {
          assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
              .hasSize(BrokerCluster.SIZE);
        }
        assertThat(cluster.terminateAll(Duration.ofSeconds(90))).containsOnly(0);
      } finally {
        cluster.close();
      }
    }
  }
}
