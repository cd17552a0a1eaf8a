package io.regen.realtime.schemas.kafka;

/**
 * The cluster cannot give the platform's topics the durability or layout they need (too few
 * brokers, a topic with too few replicas, partitions added to a keyed topic). The message says what
 * is wrong and how to fix it; the platform refuses to start.
 */
public class DurabilityException extends IllegalStateException {
  public DurabilityException(String message) {
    super(message);
  }
}
