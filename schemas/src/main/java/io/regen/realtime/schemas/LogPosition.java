package io.regen.realtime.schemas;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in {@code jobs.events.v1}: the partition and offset of one event. Its string form is
 * the cursor a WebSocket client receives with each event and sends back to resume, and the minimum
 * position a state query may wait for. Clients treat it as opaque; the format is {@code
 * v1.<partition>.<offset>}.
 */
public record LogPosition(int partition, long offset) implements Comparable<LogPosition> {
  private static final Pattern FORMAT = Pattern.compile("v1\\.(\\d{1,9})\\.(\\d{1,19})");

  public LogPosition {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException("partition and offset must be >= 0");
    }
  }

  /** The cursor string of this position. */
  public String toCursor() {
    return "v1." + partition + "." + offset;
  }

  /**
   * Parses a cursor string.
   *
   * @throws IllegalArgumentException when it is not a cursor this version wrote
   */
  public static LogPosition fromCursor(String cursor) {
    Matcher m = cursor == null ? null : FORMAT.matcher(cursor);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("Not a valid cursor: " + cursor);
    }
    try {
      return new LogPosition(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a valid cursor: " + cursor, e);
    }
  }

  @Override
  public int compareTo(LogPosition other) {
    int byPartition = Integer.compare(partition, other.partition);
    return byPartition != 0 ? byPartition : Long.compare(offset, other.offset);
  }

  @Override
  public String toString() {
    return toCursor();
  }
}
