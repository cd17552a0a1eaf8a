package io.regen.realtime.query.internal;

import java.util.Map;

/**
 * An instance's per-partition counts (internal wire format), e.g. distinct users per partition.
 *
 * @param counts partition → count, one entry per partition that answered
 */
public record CountsReply(Map<Integer, Long> counts) {
  public CountsReply {
    counts = Map.copyOf(counts);
  }
}
