package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ModelChunk;
import io.regen.realtime.events.ResearchStep;
import io.regen.realtime.schemas.EventTypes;
import io.regen.realtime.sdk.EventLimits;
import io.regen.realtime.sdk.InvalidEventException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Checks events against the contract before they are sent. Every message names the event type, the
 * job and the rule broken, so the author of a worker sees at once what to fix.
 */
public final class EventValidator {
  /** Fixed part of an encoded event: wire header, union index, seq, timestamp, booleans, ints. */
  private static final int FIXED_OVERHEAD = 5 + 1 + 10 + 10 + 8 * 5 + 16;

  private final EventLimits limits;

  public EventValidator(EventLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public EventLimits limits() {
    return limits;
  }

  /** Validates an identifier (jobId, userId, jobType, workerId). */
  public void requireId(String what, String value, String context) {
    if (value == null || value.isBlank()) {
      throw new InvalidEventException(context + ": " + what + " is missing (null or blank)");
    }
    if (value.length() > limits.maxIdLength()) {
      throw new InvalidEventException(
          context
              + ": "
              + what
              + " is "
              + value.length()
              + " characters, the limit is "
              + limits.maxIdLength());
    }
  }

  /**
   * Validates a payload and the size of the whole event it would make.
   *
   * @param idsUtf8Bytes encoded size of the event's ids (eventId, jobId, userId, producer)
   */
  public void validatePayload(Object payload, String jobId, long idsUtf8Bytes) {
    String type = EventTypes.wireName(payload);
    String context = "Invalid " + type + " event for job " + jobId;
    long size = FIXED_OVERHEAD + idsUtf8Bytes;
    if (payload instanceof JobStarted p) {
      requireId("jobType", p.getJobType(), context);
      size += sized(p.getJobType()) + sized(p.getInputSummary());
    } else if (payload instanceof JobProgress p) {
      int percent = p.getPercent();
      if (percent < 0 || percent > 100) {
        throw new InvalidEventException(
            context + ": percent must be between 0 and 100, was " + percent);
      }
      size += sized(p.getMessage());
    } else if (payload instanceof ModelChunk p) {
      requireId("model", p.getModel(), context);
      if (p.getIndex() < 0) {
        throw new InvalidEventException(
            context + ": chunk index must be >= 0, was " + p.getIndex());
      }
      if (p.getText() == null) {
        throw new InvalidEventException(context + ": chunk text is missing (null)");
      }
      size += sized(p.getModel()) + sized(p.getText());
    } else if (payload instanceof ResearchStep p) {
      if (p.getStep() < 0) {
        throw new InvalidEventException(context + ": step must be >= 0, was " + p.getStep());
      }
      if (p.getTitle() == null || p.getTitle().isBlank()) {
        throw new InvalidEventException(context + ": title is missing (null or blank)");
      }
      if (p.getUrl() != null) {
        requireUrl(p.getUrl(), context);
      }
      size += sized(p.getTitle()) + sized(p.getUrl()) + sized(p.getSummary());
    } else if (payload instanceof JobCompleted p) {
      if (p.getDurationMs() < 0) {
        throw new InvalidEventException(
            context + ": durationMs must be >= 0, was " + p.getDurationMs());
      }
      size += sized(p.getResultSummary());
    } else if (payload instanceof JobFailed p) {
      requireId("code", p.getCode(), context);
      size += sized(p.getCode()) + sized(p.getMessage());
    } else if (payload instanceof JobCancelled p) {
      size += sized(p.getReason());
    }
    if (size > limits.maxEventBytes()) {
      throw new InvalidEventException(
          context
              + ": the event would be about "
              + size
              + " bytes, the limit is "
              + limits.maxEventBytes()
              + " bytes; send long text as several events (e.g. more model chunks)");
    }
  }

  private static void requireUrl(String url, String context) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (scheme == null || uri.getHost() == null) {
        throw new InvalidEventException(
            context + ": url must be absolute with a scheme and host, was '" + url + "'");
      }
    } catch (URISyntaxException e) {
      throw new InvalidEventException(
          context + ": url is not a valid URI: '" + url + "' (" + e.getReason() + ")");
    }
  }

  /** Encoded size of an Avro string: length varint (at most 5 bytes) plus UTF-8 bytes. */
  public static long sized(CharSequence s) {
    return s == null ? 1 : 5 + utf8Length(s);
  }

  /** UTF-8 length without encoding the string. */
  public static long utf8Length(CharSequence s) {
    long n = 0;
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
