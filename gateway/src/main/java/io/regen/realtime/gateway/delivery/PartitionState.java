package io.regen.realtime.gateway.delivery;

import org.apache.kafka.common.TopicPartition;

/** One partition the live dispatcher is assigned, for the sessions of its users. */
final class PartitionState {
  final TopicPartition tp;
  final int partition;

  /** Every record at or below this offset has been dispatched; written by the dispatcher only. */
  volatile long dispatchedThrough = -1;

  int sessions; // dispatcher thread only

  PartitionState(TopicPartition tp) {
    this.tp = tp;
    this.partition = tp.partition();
  }
}
