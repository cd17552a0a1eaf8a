package io.regen.realtime.query;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

@Timeout(60)
class ClusterProbeIT {
  @Test
  void probe() {
    String mode = System.getProperty("probe", "plain");
    EmbeddedKafkaKraftBroker b = new EmbeddedKafkaKraftBroker(3, 4);
    if (mode.contains("cs")) b.brokerProperty("controlled.shutdown.enable", "false");
    if (mode.contains("grp")) b.brokerProperty("group.initial.rebalance.delay.ms", "0");
    if (mode.contains("ded")) b.brokerProperty("log.cleaner.dedupe.buffer.size", "16777216");
    if (mode.contains("tx")) { b.brokerProperty("transaction.state.log.replication.factor", "3"); b.brokerProperty("transaction.state.log.min.isr", "1"); }
    if (mode.contains("off")) b.brokerProperty("offsets.topic.replication.factor", "3");
    long t0 = System.nanoTime();
    b.afterPropertiesSet();
    System.out.println("PROBE " + mode + " started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    try { b.destroy(); } catch (RuntimeException e) { System.out.println("PROBE destroy threw " + e); }
    System.out.println("PROBE " + mode + " total " + (System.nanoTime() - t0) / 1_000_000 + " ms");
  }
}
