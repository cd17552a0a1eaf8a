package io.regen.realtime.gateway.delivery;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a user's events, computed exactly as Kafka's default partitioner places a record
 * keyed by the userId (UTF-8 bytes, murmur2, positive modulo the partition count).
 */
public final class UserPartitioner {
  private UserPartitioner() {}

  public static int partitionOf(String userId, int numPartitions) {
    if (numPartitions <= 0) {
      throw new IllegalArgumentException("numPartitions must be > 0");
    }
    byte[] key = userId.getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % numPartitions;
  }
}
