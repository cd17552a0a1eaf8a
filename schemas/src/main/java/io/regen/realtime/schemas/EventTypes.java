package io.regen.realtime.schemas;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ModelChunk;
import io.regen.realtime.events.ResearchStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one mapping between payload classes and their wire names. A wire name ends with the payload's
 * major version ({@code job:progress:v1}); a breaking change to a payload gets a new record and a
 * new wire name, never a changed meaning of an old one.
 */
public final class EventTypes {
  private EventTypes() {}

  public static final String JOB_STARTED = "job:started:v1";
  public static final String JOB_PROGRESS = "job:progress:v1";
  public static final String MODEL_CHUNK = "model:chunk:v1";
  public static final String RESEARCH_STEP = "research:step:v1";
  public static final String JOB_COMPLETED = "job:completed:v1";
  public static final String JOB_FAILED = "job:failed:v1";
  public static final String JOB_CANCELLED = "job:cancelled:v1";

  private static final Map<Class<?>, String> WIRE_NAMES = new LinkedHashMap<>();
  private static final Map<String, Class<? extends SpecificRecord>> CLASSES = new LinkedHashMap<>();

  static {
    register(JobStarted.class, JOB_STARTED);
    register(JobProgress.class, JOB_PROGRESS);
    register(ModelChunk.class, MODEL_CHUNK);
    register(ResearchStep.class, RESEARCH_STEP);
    register(JobCompleted.class, JOB_COMPLETED);
    register(JobFailed.class, JOB_FAILED);
    register(JobCancelled.class, JOB_CANCELLED);
  }

  private static void register(Class<? extends SpecificRecord> type, String wireName) {
    WIRE_NAMES.put(type, wireName);
    CLASSES.put(wireName, type);
  }

  /**
   * The wire name of a payload.
   *
   * @throws IllegalArgumentException for an object that is not a known payload
   */
  public static String wireName(Object payload) {
    String name = payload == null ? null : WIRE_NAMES.get(payload.getClass());
    if (name == null) {
      throw new IllegalArgumentException(
          "Unknown job event payload type: "
              + (payload == null ? "null" : payload.getClass().getName()));
    }
    return name;
  }

  /** The payload class of a wire name, empty for a name this version does not know. */
  public static Optional<Class<? extends SpecificRecord>> payloadClass(String wireName) {
    return Optional.ofNullable(CLASSES.get(wireName));
  }

  /** Whether a payload ends its job: completed, failed or cancelled. */
  public static boolean isTerminal(Object payload) {
    return payload instanceof JobCompleted
        || payload instanceof JobFailed
        || payload instanceof JobCancelled;
  }

  /** All wire names, in schema order. */
  public static Map<String, Class<? extends SpecificRecord>> all() {
    return Map.copyOf(CLASSES);
  }
}
