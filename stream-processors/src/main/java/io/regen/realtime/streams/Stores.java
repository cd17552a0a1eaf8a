package io.regen.realtime.streams;

import io.regen.realtime.schemas.serde.AvroBinarySerde;
import io.regen.realtime.streams.state.JobMetrics;
import io.regen.realtime.streams.state.JobState;
import io.regen.realtime.streams.state.JobSummary;
import io.regen.realtime.streams.state.ModelLatency;
import io.regen.realtime.streams.state.SessionStats;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every state store of the processors, typed. The only place store names are written down.
 *
 * <p>Keys are UTF-8 strings built by {@link StoreKeys} (components escaped so that {@code |} only
 * ever separates them); RocksDB orders them bytewise, which for these keys is the order of the
 * strings, so time buckets ({@code yyyy-MM-dd}, {@code yyyy-MM-ddTHH}) sort chronologically. Values
 * are Avro records in plain binary ({@link AvroBinarySerde}) or longs.
 *
 * <p><b>Partials.</b> The analytics stores ({@link #DAU_DAILY}, {@link #SESSIONS_DAILY}, {@link
 * #JOB_METRICS_HOURLY}, {@link #JOB_METRICS_DAILY}, {@link #MODEL_LATENCY_HOURLY}, {@link
 * #LATE_JOB_RECORDS}, {@link #LATE_ACTIVITY_RECORDS}) are updated by every task for the records of
 * its own partitions: the same key exists once per task, and the true value is the merge (sum /
 * histogram union) of all of them, over every instance. Never answer from a single {@code get(key)}
 * (a local composite store returns one task's partial): scan the key range on every instance and
 * merge with {@link AnalyticsReader}. {@link #JOB_STATE}, {@link #DAU_USERS} and {@link
 * #JOBS_BY_USER} keys are unique across tasks.
 */
public final class Stores {
  private Stores() {}

  /**
   * Key jobId → the job's {@link JobState}: every field but the chunk text, which is in {@link
   * #JOB_RESPONSE_CHUNKS} ({@code responseBytes} says how much; {@link JobResponses} puts the two
   * together). Partitioned by the job's userId (locate the owner with {@code
   * queryMetadataForKey(JOB_STATE.name(), userId, Serdes.String().serializer())}). Values of the
   * earlier store schemas (v1 without {@code attempt}, v2 with the text in {@code responseSoFar})
   * stay readable.
   */
  public static final StoreDef<String, JobState> JOB_STATE =
      new StoreDef<>(
          "job-state",
          Serdes.String(),
          new AvroBinarySerde<>(
              JobState.class,
              StoreSchemaHistory.earlier(
                  "job-state", StoreSchemaHistory.JOB_STATE_EARLIER_VERSIONS)));

  /**
   * Key ({@link ResponseChunkKey}: jobId, attempt, seq) → the text of one applied {@code
   * ModelChunk} (UTF-8; the last one cut at the response bound), for the latest attempt of each job
   * only. Written by the job-state processor in the same task and step as {@link #JOB_STATE}
   * (co-partitioned with it), so a chunk costs one small put instead of a rewrite of the whole
   * response; a new attempt deletes the older attempt's entries. Read with {@code
   * range(first(jobId, attempt), (jobId, attempt, lastSeq))} in the job's partition ({@link
   * JobResponses}). Like {@link #JOB_STATE}: no retention, a compacted changelog.
   *
   * <p>Without the record cache: a query reads the state with a key query, which sees the cache,
   * and these entries with a range query, which does not; a cached chunk would be invisible until
   * the commit flushed it, and a running job's state would not add up (a 503) for up to a commit
   * interval. Each key is written once, so the cache had nothing to collapse anyway; written
   * through, every chunk up to the state's {@code lastSeq} is readable whenever the state is.
   */
  public static final StoreDef<ResponseChunkKey, String> JOB_RESPONSE_CHUNKS =
      new StoreDef<>("job-response-chunks", ResponseChunkKey.serde(), Serdes.String(), false);

  /**
   * Key {@code userId|invertedTimestamp|jobId} ({@link JobsByUserKey}) → {@link JobSummary}; a
   * range scan from {@link JobsByUserKey#lowerBound} to {@link JobsByUserKey#upperBound} returns a
   * user's jobs newest first. Lives next to {@link #JOB_STATE}, i.e. partitioned by jobId: a user's
   * jobs are spread over all tasks, so a listing fans out to every instance and merges by key.
   */
  public static final StoreDef<String, JobSummary> JOBS_BY_USER =
      new StoreDef<>("jobs-by-user", Serdes.String(), new AvroBinarySerde<>(JobSummary.class));

  /**
   * Key = partition of {@code jobs.events.v1} → highest offset of that partition this task has
   * applied to {@link #JOB_STATE} (per task). Read-your-writes: a job's state reflects every one of
   * its events up to cursor (p, o) when this store, read in the task that owns the job (same
   * partition as the job's key), holds ≥ o for p, or when the job's {@code lastPosition} is ≥ (p,
   * o).
   */
  public static final StoreDef<Integer, Long> EVENTS_WATERMARK =
      new StoreDef<>("job-events-watermark", Serdes.Integer(), Serdes.Long());

  /**
   * Key {@code yyyy-MM-dd|userId} ({@link StoreKeys#dauUser}) → epoch ms of the user's first
   * activity that day. Partitioned by userId, so a user's keys live in one task only: distinct
   * users over a date range = distinct userIds over the key range, summed over instances.
   */
  public static final StoreDef<String, Long> DAU_USERS =
      new StoreDef<>("dau-users", Serdes.String(), Serdes.Long());

  /** Key {@code yyyy-MM-dd} → distinct active users that day in this task (partial: sum them). */
  public static final StoreDef<String, Long> DAU_DAILY =
      new StoreDef<>("dau-daily", Serdes.String(), Serdes.Long());

  /** Key {@code yyyy-MM-dd} → {@link SessionStats} of that UTC day (partial). */
  public static final StoreDef<String, SessionStats> SESSIONS_DAILY =
      new StoreDef<>("sessions-daily", Serdes.String(), new AvroBinarySerde<>(SessionStats.class));

  /** Key {@code yyyy-MM-ddTHH|jobType} → {@link JobMetrics} of that UTC hour (partial). */
  public static final StoreDef<String, JobMetrics> JOB_METRICS_HOURLY =
      new StoreDef<>(
          "job-metrics-hourly", Serdes.String(), new AvroBinarySerde<>(JobMetrics.class));

  /** Key {@code yyyy-MM-dd|jobType} → {@link JobMetrics} of that UTC day (partial). */
  public static final StoreDef<String, JobMetrics> JOB_METRICS_DAILY =
      new StoreDef<>("job-metrics-daily", Serdes.String(), new AvroBinarySerde<>(JobMetrics.class));

  /** Key {@code yyyy-MM-ddTHH|model} → {@link ModelLatency} of that UTC hour (partial). */
  public static final StoreDef<String, ModelLatency> MODEL_LATENCY_HOURLY =
      new StoreDef<>(
          "model-latency-hourly", Serdes.String(), new AvroBinarySerde<>(ModelLatency.class));

  /**
   * Key = name of a job analytics store ({@link #JOB_METRICS_HOURLY}, {@link #JOB_METRICS_DAILY},
   * {@link #MODEL_LATENCY_HOURLY}) → records not applied to it because they arrived after their
   * window's grace period (partial).
   */
  public static final StoreDef<String, Long> LATE_JOB_RECORDS =
      new StoreDef<>("late-job-records", Serdes.String(), Serdes.Long());

  /**
   * Key = name of a user analytics store ({@link #DAU_DAILY}, {@link #SESSIONS_DAILY}) → records
   * not applied to it because they arrived after their day's grace period (partial). Separate from
   * {@link #LATE_JOB_RECORDS} because the two live in different sub-topologies.
   */
  public static final StoreDef<String, Long> LATE_ACTIVITY_RECORDS =
      new StoreDef<>("late-activity-records", Serdes.String(), Serdes.Long());

  /** All stores, for tooling (e.g. waiting until every one is queryable). */
  public static List<StoreDef<?, ?>> all() {
    return List.of(
        JOB_STATE,
        JOB_RESPONSE_CHUNKS,
        JOBS_BY_USER,
        EVENTS_WATERMARK,
        DAU_USERS,
        DAU_DAILY,
        SESSIONS_DAILY,
        JOB_METRICS_HOURLY,
        JOB_METRICS_DAILY,
        MODEL_LATENCY_HOURLY,
        LATE_JOB_RECORDS,
        LATE_ACTIVITY_RECORDS);
  }
}
