package io.regen.realtime.gateway.delivery;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.EventTypes;
import io.regen.realtime.schemas.LogPosition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;

/**
 * The one mapping from an Avro {@link JobEvent} to the protocol's JSON: the event object ({@code
 * type, eventId, jobId, seq, occurredAt, data}) and the {@code event} frame around it. Payload
 * fields become {@code data} by their Avro names, so a new payload record needs no code here, only
 * a wire name in {@link EventTypes}. Written by hand into one StringBuilder: the live path encodes
 * each record once and offers the same String to every session of the user.
 *
 * <p>Stateless and thread-safe.
 */
public final class EventFrameEncoder {

  /** A payload this version cannot name (no wire name in {@link EventTypes}). */
  public static final class UnknownPayloadException extends IllegalArgumentException {
    UnknownPayloadException(String message) {
      super(message);
    }
  }

  /**
   * The {@code event} frame of a live or catch-up delivery.
   *
   * @throws UnknownPayloadException for a payload without a wire name
   */
  public String eventFrame(JobEvent event, LogPosition position) {
    return frame(event, position, null);
  }

  /** The {@code event} frame of a replay, tagged with the replay's correlation id. */
  public String replayFrame(JobEvent event, LogPosition position, String replayId) {
    return frame(event, position, replayId);
  }

  /** The {@code replay_end} frame. */
  public String replayEndFrame(String replayId, String jobId, long count) {
    StringBuilder sb = new StringBuilder(96);
    sb.append("{\"type\":\"replay_end\",\"id\":");
    string(sb, replayId);
    sb.append(",\"jobId\":");
    string(sb, jobId);
    sb.append(",\"count\":").append(count).append('}');
    return sb.toString();
  }

  /** The bare event object, as in the frame's {@code event} field (one NDJSON line of history). */
  public String eventObject(JobEvent event) {
    StringBuilder sb = new StringBuilder(256);
    appendEvent(sb, event);
    return sb.toString();
  }

  private String frame(JobEvent event, LogPosition position, String replayId) {
    StringBuilder sb = new StringBuilder(320);
    sb.append("{\"type\":\"event\",");
    if (replayId != null) {
      sb.append("\"replay\":");
      string(sb, replayId);
      sb.append(',');
    }
    sb.append("\"cursor\":\"").append(position.toCursor()).append("\",\"event\":");
    appendEvent(sb, event);
    sb.append('}');
    return sb.toString();
  }

  private void appendEvent(StringBuilder sb, JobEvent event) {
    Object payload = event.getPayload();
    String wireName;
    try {
      wireName = EventTypes.wireName(payload);
    } catch (IllegalArgumentException e) {
      throw new UnknownPayloadException(e.getMessage());
    }
    sb.append("{\"type\":\"").append(wireName).append("\",\"eventId\":");
    string(sb, event.getEventId());
    sb.append(",\"jobId\":");
    string(sb, event.getJobId());
    sb.append(",\"seq\":").append(event.getSeq()).append(",\"occurredAt\":\"");
    Instant at = event.getOccurredAt();
    sb.append(at == null ? "" : at.toString()).append("\",\"data\":");
    value(sb, payload);
    sb.append('}');
  }

  private void value(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof CharSequence
        || v instanceof Utf8
        || v instanceof GenericEnumSymbol<?>) {
      string(sb, v.toString());
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Float f) {
      sb.append(Float.isFinite(f) ? f.toString() : "null");
    } else if (v instanceof Double d) {
      sb.append(Double.isFinite(d) ? d.toString() : "null");
    } else if (v instanceof Instant i) {
      string(sb, i.toString());
    } else if (v instanceof IndexedRecord record) {
      sb.append('{');
      List<Schema.Field> fields = record.getSchema().getFields();
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        string(sb, fields.get(i).name());
        sb.append(':');
        value(sb, record.get(i));
      }
      sb.append('}');
    } else if (v instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        string(sb, String.valueOf(e.getKey()));
        sb.append(':');
        value(sb, e.getValue());
      }
      sb.append('}');
    } else if (v instanceof Iterable<?> list) {
      sb.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        value(sb, item);
      }
      sb.append(']');
    } else {
      string(sb, v.toString());
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          // Control characters must be escaped; U+2028/2029 too, for clients that eval JSON.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            sb.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
