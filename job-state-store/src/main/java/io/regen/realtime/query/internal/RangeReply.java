package io.regen.realtime.query.internal;

import java.util.List;

/**
 * An instance's answer to a range scan over its active partitions (internal wire format).
 *
 * @param partitions every partition that was scanned, including those without entries
 * @param entries the entries; values in the store's own binary serde, base64
 */
public record RangeReply(List<Integer> partitions, List<Entry> entries) {
  public RangeReply {
    partitions = List.copyOf(partitions);
    entries = List.copyOf(entries);
  }

  /** One entry of a partition. */
  public record Entry(int partition, String key, String value) {}
}
