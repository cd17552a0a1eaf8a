package io.regen.realtime.query.api;

import io.regen.realtime.schemas.LogPosition;

/**
 * A position in {@code jobs.events.v1}; {@code cursor} is the same position in the WebSocket cursor
 * form ({@code v1.<partition>.<offset>}), so a client can resume live events right after it.
 */
public record PositionView(int partition, long offset, String cursor) {
  public static PositionView of(io.regen.realtime.streams.state.LogPosition position) {
    if (position == null) {
      return null;
    }
    return new PositionView(
        position.getPartition(),
        position.getOffset(),
        new LogPosition(position.getPartition(), position.getOffset()).toCursor());
  }
}
