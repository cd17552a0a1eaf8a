package io.regen.realtime.gateway.protocol;

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
 * The one builder of server → client frames of protocol v1 (see docs/protocol.md): the {@code
 * event} frame around the one mapping from an Avro {@link JobEvent} to the protocol's event object
 * ({@code type, eventId, jobId, seq, attempt, occurredAt, data}), replay frames, and the control
 * frames (welcome, acks, errors, ...). Payload fields become {@code data} by their Avro names, so a
 * new payload record needs no code here, only a wire name in {@link EventTypes}. Written by hand
 * into one StringBuilder: the live path encodes each record once and offers the same String to
 * every session of the user.
 *
 * <p>Thread-safe: no state but a per-thread builder of event frames.
 */
public final class ServerFrames {

  /** A payload this version cannot name (no wire name in {@link EventTypes}). */
  public static final class UnknownPayloadException extends IllegalArgumentException {
    UnknownPayloadException(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------- event frames

  /**
   * The builder of event frames, one per thread and reused: a replay builds 100,000 frames in a
   * row, and a fresh builder per frame grew (and copied) its buffer for nearly every one.
   */
  private static final ThreadLocal<StringBuilder> EVENT_BUILDER =
      ThreadLocal.withInitial(() -> new StringBuilder(512));

  private static final int MAX_KEPT_BUILDER = 64 * 1024;

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

  /**
   * The {@code replay_end} frame; {@code truncated} when the job's first event was already gone
   * (before the log start), so the replay is not the job's whole history.
   */
  public String replayEndFrame(String replayId, String jobId, long count, boolean truncated) {
    StringBuilder sb = new StringBuilder(112);
    sb.append("{\"type\":\"replay_end\",\"id\":");
    JsonText.string(sb, replayId);
    sb.append(",\"jobId\":");
    JsonText.string(sb, jobId);
    sb.append(",\"count\":").append(count);
    sb.append(",\"truncated\":").append(truncated).append('}');
    return sb.toString();
  }

  /**
   * The NDJSON history's first line when the job's first event is gone: {@code
   * {"type":"history","jobId":…,"truncated":true,"partition":p,"logStartOffset":o}}.
   */
  public String historyTruncatedLine(String jobId, LogPosition firstAvailable) {
    StringBuilder sb = new StringBuilder(112);
    sb.append("{\"type\":\"history\",\"jobId\":");
    JsonText.string(sb, jobId);
    sb.append(",\"truncated\":true,\"partition\":").append(firstAvailable.partition());
    sb.append(",\"logStartOffset\":").append(firstAvailable.offset()).append('}');
    return sb.toString();
  }

  /**
   * A {@code replay_end} whose read stopped at the scan budget, before the job's end: {@code
   * "scanBudgetReached":true} is added; the count is what was sent, and later events may exist.
   */
  public String replayEndFrame(
      String replayId, String jobId, long count, boolean truncated, boolean scanBudgetReached) {
    String full = replayEndFrame(replayId, jobId, count, truncated);
    if (!scanBudgetReached) {
      return full;
    }
    return full.substring(0, full.length() - 1) + ",\"scanBudgetReached\":true}";
  }

  /** The bare event object, as in the frame's {@code event} field (one NDJSON line of history). */
  public String eventObject(JobEvent event) {
    StringBuilder sb = new StringBuilder(256);
    appendEvent(sb, event);
    return sb.toString();
  }

  // ---------------------------------------------------------------- control frames

  public String welcome(
      String userId, String sessionId, String cursor, boolean resumed, long heartbeatMs) {
    StringBuilder sb = control("welcome", null);
    field(sb, "userId", userId);
    field(sb, "sessionId", sessionId);
    field(sb, "cursor", cursor);
    sb.append(",\"resumed\":").append(resumed);
    sb.append(",\"heartbeatMs\":").append(heartbeatMs);
    return sb.append('}').toString();
  }

  public String reauthed(String id, long expiresAtEpochMs) {
    StringBuilder sb = control("reauthed", id);
    sb.append(",\"expiresAt\":").append(expiresAtEpochMs);
    return sb.append('}').toString();
  }

  public String ack(String id, String jobId) {
    StringBuilder sb = control("ack", id);
    field(sb, "jobId", jobId);
    return sb.append('}').toString();
  }

  public String pong(String id) {
    return control("pong", id).append('}').toString();
  }

  public String tokenExpiring(long inMs) {
    StringBuilder sb = control("token_expiring", null);
    sb.append(",\"inMs\":").append(inMs);
    return sb.append('}').toString();
  }

  public String error(String id, String code, String message) {
    StringBuilder sb = control("error", id);
    field(sb, "code", code);
    field(sb, "message", message);
    return sb.append('}').toString();
  }

  public String rateLimited(String id, String message, long retryAfterMs) {
    return retryableError(id, ErrorCodes.RATE_LIMITED, message, retryAfterMs);
  }

  /** An {@code unavailable} error: try again after {@code retryAfterMs}. */
  public String unavailable(String id, String message, long retryAfterMs) {
    return retryableError(id, ErrorCodes.UNAVAILABLE, message, retryAfterMs);
  }

  private String retryableError(String id, String code, String message, long retryAfterMs) {
    StringBuilder sb = control("error", id);
    field(sb, "code", code);
    field(sb, "message", message);
    sb.append(",\"retryAfterMs\":").append(retryAfterMs);
    return sb.append('}').toString();
  }

  private static StringBuilder control(String type, String id) {
    StringBuilder sb = new StringBuilder(128).append("{\"type\":");
    JsonText.string(sb, type);
    if (id != null) {
      field(sb, "id", id);
    }
    return sb;
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(",\"").append(name).append("\":");
    JsonText.string(sb, value);
  }

  // ---------------------------------------------------------------- events

  private String frame(JobEvent event, LogPosition position, String replayId) {
    StringBuilder sb = EVENT_BUILDER.get();
    sb.setLength(0);
    sb.append("{\"type\":\"event\",");
    if (replayId != null) {
      sb.append("\"replay\":");
      JsonText.string(sb, replayId);
      sb.append(',');
    }
    sb.append("\"cursor\":\"").append(position.toCursor()).append("\",\"event\":");
    appendEvent(sb, event);
    sb.append('}');
    String frame = sb.toString();
    if (sb.capacity() > MAX_KEPT_BUILDER) {
      EVENT_BUILDER.remove(); // one huge frame must not pin its buffer to the thread
    }
    return frame;
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
    JsonText.string(sb, event.getEventId());
    sb.append(",\"jobId\":");
    JsonText.string(sb, event.getJobId());
    sb.append(",\"seq\":").append(event.getSeq());
    sb.append(",\"attempt\":").append(event.getAttempt()).append(",\"occurredAt\":\"");
    Instant at = event.getOccurredAt();
    if (at != null) {
      IsoInstant.append(sb, at);
    }
    sb.append("\",\"data\":");
    value(sb, payload);
    sb.append('}');
  }

  private void value(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof CharSequence
        || v instanceof Utf8
        || v instanceof GenericEnumSymbol<?>) {
      JsonText.string(sb, v.toString());
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Float f) {
      sb.append(Float.isFinite(f) ? f.toString() : "null");
    } else if (v instanceof Double d) {
      sb.append(Double.isFinite(d) ? d.toString() : "null");
    } else if (v instanceof Instant i) {
      sb.append('"');
      IsoInstant.append(sb, i); // never needs an escape
      sb.append('"');
    } else if (v instanceof IndexedRecord record) {
      sb.append('{');
      List<Schema.Field> fields = record.getSchema().getFields();
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        JsonText.string(sb, fields.get(i).name());
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
        JsonText.string(sb, String.valueOf(e.getKey()));
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
      JsonText.string(sb, v.toString());
    }
  }
}
