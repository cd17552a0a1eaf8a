package io.regen.realtime.query;

import io.regen.realtime.query.QueryUnavailableException.Reason;
import io.regen.realtime.query.internal.CountsReply;
import io.regen.realtime.query.internal.JobStateReply;
import io.regen.realtime.query.internal.LocalStoreReader;
import io.regen.realtime.query.internal.RangeReply;
import io.regen.realtime.query.internal.RemoteStoreClient;
import io.regen.realtime.query.internal.StoreLocator;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.streams.JobResponses;
import io.regen.realtime.streams.StoreDef;
import io.regen.realtime.streams.StoreKeys;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.state.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Answers queries over the processors' stores across all instances: single keys are read where
 * their partition lives (here, or forwarded to the owner), ranges fan out to every instance and are
 * merged. Every answer is complete and correct, or a {@link QueryUnavailableException}:
 *
 * <ul>
 *   <li>Streams not RUNNING here, owner unknown or unreachable, partition restoring: unavailable;
 *   <li>a fan-out is accepted only when every partition of the store answered (from whichever
 *       instance holds it actively right now); a missing partition makes the whole answer
 *       unavailable, never a partial one;
 *   <li>standby replicas answer only when the caller allowed stale reads, and say so;
 *   <li>read-your-writes: a job read with a minimum position waits (bounded) until the job's
 *       partition has applied it, else unavailable (POSITION_NOT_REACHED).
 * </ul>
 *
 * Thread-safe; blocking (call from request threads).
 */
public final class QueryService {
  static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * Reads of a job's state and chunks whose bytes did not add up (a new attempt between the two
   * reads, or a standby restoring the chunk changelog behind the state's) before giving up with a
   * 503. The second read follows at once: the processor deletes an older attempt's chunks and
   * writes the new attempt's state in one {@code process()} call, so a read that saw the deletion
   * almost always finds the new state already there; only the reads after it wait {@link
   * #POLL_NANOS} first (a processor still inside that call, or a standby behind on the chunks).
   */
  static final int RESPONSE_READS = 5;

  /**
   * Reads waiting for a position at once; more are refused at once (a flood of far-future positions
   * would otherwise park every HTTP thread for the whole wait).
   */
  public static final int MAX_POSITION_WAITERS = 32;

  private final java.util.concurrent.Semaphore positionWaiters =
      new java.util.concurrent.Semaphore(MAX_POSITION_WAITERS);

  private final Supplier<KafkaStreams.State> state;
  private final StoreLocator locator;
  private final LocalStoreReader local;
  private final RemoteStoreClient remote;
  private final Duration positionWait;
  private final LongConsumer park;

  public QueryService(
      Supplier<KafkaStreams.State> state,
      StoreLocator locator,
      LocalStoreReader local,
      RemoteStoreClient remote,
      Duration positionWait) {
    this(state, locator, local, remote, positionWait, LockSupport::parkNanos);
  }

  /**
   * @param park waits the given nanoseconds between two reads of a job (tests record the waits)
   */
  QueryService(
      Supplier<KafkaStreams.State> state,
      StoreLocator locator,
      LocalStoreReader local,
      RemoteStoreClient remote,
      Duration positionWait,
      LongConsumer park) {
    this.park = Objects.requireNonNull(park, "park");
    this.state = Objects.requireNonNull(state, "state");
    this.locator = Objects.requireNonNull(locator, "locator");
    this.local = Objects.requireNonNull(local, "local");
    this.remote = Objects.requireNonNull(remote, "remote");
    this.positionWait = Objects.requireNonNull(positionWait, "positionWait");
  }

  // ---- one job ----

  /**
   * A job's state, from the instance that owns it. Job state is partitioned by the job's userId (it
   * is computed on the userId-keyed partitions of {@code jobs.events.v1}), which a jobId alone does
   * not tell: the partition of {@code user} is read first (the caller's own job: one read); a
   * cursor's partition is the job's partition too; otherwise (an analyst, another user's job, an
   * unknown job) every partition is asked until one has it — and an answer "absent" is given only
   * when every partition answered.
   *
   * @param user the userId the job probably belongs to (the caller's), or null
   * @param authorization the caller's Authorization header, passed on to a remote owner
   * @return empty when the owner says the job does not exist
   * @throws QueryUnavailableException when no correct answer can be given now
   */
  public Optional<JobStateRead> jobState(
      String jobId, String user, ReadOptions options, String authorization) {
    requireRunning();
    KeyQueryMetadata callersOwner = null;
    Integer likely = null;
    if (user != null) {
      callersOwner = locator.locate(Stores.JOB_STATE, user);
      likely = callersOwner.partition();
    } else if (options.minPosition() != null) {
      likely = options.minPosition().partition();
    }
    // A job lives in exactly one partition: found anywhere is a complete answer, even while another
    // partition cannot answer; "absent" needs every partition's authoritative answer.
    QueryUnavailableException unanswered = null;
    if (likely != null) {
      try {
        KeyQueryMetadata owner =
            callersOwner != null ? callersOwner : locator.locatePartition(Stores.JOB_STATE, likely);
        Optional<JobStateRead> found = readOwner(owner, jobId, options, authorization);
        if (found.isPresent()) {
          return found;
        }
      } catch (QueryUnavailableException e) {
        unanswered = noted(unanswered, e);
      }
    }
    // Not in the likely partition (or none known): every other one in turn. The partition set is
    // read only now, so the common read (the caller's own job) costs one owner lookup.
    return readOtherPartitions(jobId, likely, options, authorization, unanswered);
  }

  private Optional<JobStateRead> readOtherPartitions(
      String jobId,
      Integer tried,
      ReadOptions options,
      String authorization,
      QueryUnavailableException unansweredSoFar) {
    QueryUnavailableException unanswered = unansweredSoFar;
    Set<Integer> partitions;
    try {
      partitions = locator.partitions(Stores.JOB_STATE);
    } catch (QueryUnavailableException e) {
      if (unanswered != null) {
        e.addSuppressed(unanswered);
      }
      throw e;
    }
    for (int partition : partitions) {
      if (tried != null && partition == tried) {
        continue;
      }
      try {
        KeyQueryMetadata owner = locator.locatePartition(Stores.JOB_STATE, partition);
        Optional<JobStateRead> found = readOwner(owner, jobId, options, authorization);
        if (found.isPresent()) {
          return found;
        }
      } catch (QueryUnavailableException e) {
        unanswered = noted(unanswered, e);
      }
    }
    if (unanswered != null) {
      throw unanswered;
    }
    return Optional.empty();
  }

  /**
   * A partition that could not answer, kept for the 503 if no other partition has the job: the
   * first one is the cause, later ones are suppressed into it. A read-your-writes position not
   * reached is the answer itself and is thrown at once.
   */
  private static QueryUnavailableException noted(
      QueryUnavailableException soFar, QueryUnavailableException e) {
    if (e.reason() == Reason.POSITION_NOT_REACHED) {
      throw e;
    }
    if (soFar == null) {
      return e;
    }
    soFar.addSuppressed(e);
    return soFar;
  }

  private Optional<JobStateRead> readOwner(
      KeyQueryMetadata owner, String jobId, ReadOptions options, String authorization) {
    int partition = owner.partition();
    try {
      return read(owner.activeHost(), jobId, partition, false, options, authorization);
    } catch (QueryUnavailableException activeFailed) {
      if (!options.allowStale() || activeFailed.reason() == Reason.POSITION_NOT_REACHED) {
        throw activeFailed;
      }
      for (HostInfo standby : owner.standbyHosts()) {
        try {
          Optional<JobStateRead> found =
              read(standby, jobId, partition, true, options, authorization);
          if (found.isPresent()) {
            return found;
          }
          // A standby lacks what its active had not committed yet (exactly-once: the changelog is
          // read committed): its "absent" is not an answer.
          activeFailed.addSuppressed(
              new QueryUnavailableException(
                  Reason.STORE_NOT_READY,
                  "the standby copy at " + standby + " does not have the job (yet)"));
        } catch (QueryUnavailableException standbyFailed) {
          activeFailed.addSuppressed(standbyFailed);
        }
      }
      throw activeFailed;
    }
  }

  /**
   * Reads a job from this instance's copy of its partition (the owner's side of a forwarded read;
   * never forwards again).
   *
   * @param stale true to accept a standby replica
   * @param withResponse true to read the response text from the chunk store too ({@link
   *     ReadOptions#withResponse}); false: one get of the state
   */
  public Optional<JobStateRead> localJobState(
      String jobId, int partition, boolean stale, LogPosition cursor, boolean withResponse) {
    requireRunning();
    // A job's events all live in its user's partition of jobs.events.v1, which is also the job's
    // store partition: a cursor of another partition names no event of this job (nothing to wait
    // for).
    LogPosition minPosition = cursor != null && cursor.partition() == partition ? cursor : null;
    boolean activeOnly = !stale;
    long deadline = System.nanoTime() + positionWait.toNanos();
    boolean waiting = false;
    int responseReads = 0;
    try {
      while (true) {
        // The watermark is read before the state: once it shows the position applied, the state
        // read after it reflects that event (the processor writes the state, then the watermark).
        boolean watermarkReached =
            minPosition != null && watermarkReached(minPosition, partition, activeOnly);
        Optional<JobState> found = local.get(Stores.JOB_STATE, jobId, partition, activeOnly);
        if (minPosition == null || watermarkReached || ownPositionReached(found, minPosition)) {
          if (found.isEmpty()) {
            return Optional.empty();
          }
          Optional<JobStateRead> answer =
              answer(found.get(), partition, stale, withResponse, ++responseReads);
          if (answer.isPresent()) {
            return answer;
          }
          if (responseReads > 1) {
            park.accept(POLL_NANOS);
          }
          continue;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new QueryUnavailableException(
              Reason.POSITION_NOT_REACHED,
              "The job's state has not reached position "
                  + minPosition
                  + " within "
                  + positionWait.toMillis()
                  + " ms; retry");
        }
        waiting = waiting || acquirePositionWaiter();
        park.accept(POLL_NANOS);
      }
    } finally {
      if (waiting) {
        positionWaiters.release();
      }
    }
  }

  /** A place among the waiting reads, else POSITION_NOT_REACHED at once. */
  private boolean acquirePositionWaiter() {
    if (!positionWaiters.tryAcquire()) {
      throw new QueryUnavailableException(
          Reason.POSITION_NOT_REACHED,
          "Too many reads are waiting for their position on this instance; retry");
    }
    return true;
  }

  /**
   * The read of a stored state: as it is without the response text, else with it; empty when its
   * chunks do not add up (read again).
   */
  private Optional<JobStateRead> answer(
      JobState stored, int partition, boolean stale, boolean withResponse, int read) {
    Optional<JobState> whole =
        withResponse ? withResponse(stored, partition, !stale, read) : Optional.of(stored);
    if (whole.isEmpty()) {
      return Optional.empty();
    }
    long lag = stale ? Math.max(0, local.lag(Stores.JOB_STATE, partition)) : 0;
    return Optional.of(new JobStateRead(whole.get(), stale, lag, withResponse));
  }

  /**
   * The stored state with its response text read from the chunk store of the same partition and
   * replica; empty when the chunks do not add up to the state's byte count (read again).
   *
   * @param read 1 for the first read of this request, then 2, ...
   * @throws QueryUnavailableException when the chunk store cannot be read where the state was, or
   *     the chunks still do not add up at the {@link #RESPONSE_READS}th read
   */
  private Optional<JobState> withResponse(
      JobState stored, int partition, boolean activeOnly, int read) {
    if (!JobResponses.hasChunks(stored)) {
      return Optional.of(stored);
    }
    List<String> chunks =
        local.rangeValues(
            Stores.JOB_RESPONSE_CHUNKS,
            JobResponses.from(stored),
            JobResponses.to(stored),
            partition,
            activeOnly);
    Optional<JobState> whole = JobResponses.assemble(stored, chunks);
    if (whole.isEmpty() && read >= RESPONSE_READS) {
      throw new QueryUnavailableException(
          Reason.STORE_NOT_READY,
          "The response of job "
              + stored.getJobId()
              + " in partition "
              + partition
              + " does not match its state (a new attempt, or a replica behind); retry");
    }
    return whole;
  }

  /** The job's own last applied event is at or after {@code min} (same input partition). */
  private static boolean ownPositionReached(Optional<JobState> job, LogPosition min) {
    if (job.isEmpty() || job.get().getLastPosition() == null) {
      return false;
    }
    var last = job.get().getLastPosition();
    return last.getPartition() == min.partition() && last.getOffset() >= min.offset();
  }

  /**
   * The task holding the job has applied input partition {@code min.partition} up to {@code
   * min.offset}: events of one input partition reach a task in offset order, so every event of the
   * job up to {@code min} is in its state.
   */
  private boolean watermarkReached(LogPosition min, int partition, boolean activeOnly) {
    Optional<Long> watermark =
        local.get(Stores.EVENTS_WATERMARK, min.partition(), partition, activeOnly);
    return watermark.isPresent() && watermark.get() >= min.offset();
  }

  private Optional<JobStateRead> read(
      HostInfo host,
      String jobId,
      int partition,
      boolean stale,
      ReadOptions options,
      String authorization) {
    if (host.equals(locator.self())) {
      return localJobState(jobId, partition, stale, options.minPosition(), options.withResponse());
    }
    JobStateReply reply =
        remote.jobState(
            host,
            jobId,
            partition,
            stale,
            options.minPosition(),
            options.withResponse(),
            authorization);
    if (!reply.found()) {
      return Optional.empty();
    }
    JobState decoded = decode(Stores.JOB_STATE, reply.value());
    return Optional.of(
        new JobStateRead(decoded, reply.stale(), reply.lag(), options.withResponse()));
  }

  // ---- fan-out ----

  /**
   * Scans {@code [from, to]} in every partition of the store across all instances, at most {@code
   * limitPerPartition} entries per partition (in key order), and returns all entries sorted by key
   * (entries of different partitions with the same key, i.e. partials, are all kept).
   *
   * @throws QueryUnavailableException when any partition did not answer
   */
  public <V> List<KeyValue<String, V>> fanOutRange(
      StoreDef<String, V> store, String from, String to, int limitPerPartition, String auth) {
    requireRunning();
    Set<Integer> expected = locator.partitions(store);
    Set<HostInfo> hosts = locator.activeHosts(store);
    Map<HostInfo, CompletableFuture<RangeReply>> calls = new HashMap<>();
    for (HostInfo host : hosts) {
      if (!host.equals(locator.self())) {
        calls.put(host, remote.range(host, store, from, to, limitPerPartition, auth));
      }
    }
    Map<Integer, List<KeyValue<String, V>>> byPartition = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    if (hosts.contains(locator.self())) {
      try {
        RangeReply mine = localRange(store, from, to, limitPerPartition);
        collect(store, mine, byPartition);
      } catch (QueryUnavailableException e) {
        failures.add(e.getMessage());
      }
    }
    for (var call : calls.entrySet()) {
      try {
        collect(store, call.getValue().join(), byPartition);
      } catch (CompletionException | QueryUnavailableException e) {
        Throwable cause =
            e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        failures.add(cause.getMessage());
      }
    }
    requireComplete(store, expected, byPartition.keySet(), failures);
    List<KeyValue<String, V>> all = new ArrayList<>();
    byPartition.values().forEach(all::addAll);
    all.sort((a, b) -> a.key.compareTo(b.key));
    return all;
  }

  /** This instance's share of a fan-out: its active partitions, values in the store's serde. */
  public <V> RangeReply localRange(
      StoreDef<String, V> store, String from, String to, int limitPerPartition) {
    requireRunning();
    List<RangeReply.Entry> entries = new ArrayList<>();
    Map<Integer, Integer> counts = new HashMap<>();
    Base64.Encoder base64 = Base64.getEncoder();
    Set<Integer> scanned =
        local.scanActive(
            store,
            from,
            to,
            (partition, key, value) -> {
              int n = counts.merge(partition, 1, Integer::sum);
              if (n > limitPerPartition) {
                return false;
              }
              byte[] bytes = store.valueSerde().serializer().serialize(store.name(), value);
              entries.add(new RangeReply.Entry(partition, key, base64.encodeToString(bytes)));
              return n < limitPerPartition;
            });
    return new RangeReply(List.copyOf(scanned), entries);
  }

  /**
   * Distinct users active on UTC days {@code fromDay..toDay} (yyyy-MM-dd), exact: a user's keys of
   * {@link Stores#DAU_USERS} all live in one partition, so per-partition distinct counts add up.
   */
  public long distinctUsers(String fromDay, String toDay, String auth) {
    requireRunning();
    Set<Integer> expected = locator.partitions(Stores.DAU_USERS);
    Set<HostInfo> hosts = locator.activeHosts(Stores.DAU_USERS);
    Map<HostInfo, CompletableFuture<CountsReply>> calls = new HashMap<>();
    for (HostInfo host : hosts) {
      if (!host.equals(locator.self())) {
        calls.put(host, remote.distinctUsers(host, fromDay, toDay, auth));
      }
    }
    Map<Integer, Long> counts = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    if (hosts.contains(locator.self())) {
      try {
        localDistinctUsers(fromDay, toDay).counts().forEach(counts::putIfAbsent);
      } catch (QueryUnavailableException e) {
        failures.add(e.getMessage());
      }
    }
    for (var call : calls.entrySet()) {
      try {
        call.getValue().join().counts().forEach(counts::putIfAbsent);
      } catch (CompletionException | QueryUnavailableException e) {
        Throwable cause =
            e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        failures.add(cause.getMessage());
      }
    }
    requireComplete(Stores.DAU_USERS, expected, counts.keySet(), failures);
    long total = 0;
    for (int partition : expected) {
      total += counts.get(partition);
    }
    return total;
  }

  /** This instance's distinct users per active partition over a day range. */
  public CountsReply localDistinctUsers(String fromDay, String toDay) {
    requireRunning();
    Map<Integer, Set<String>> users = new HashMap<>();
    Set<Integer> scanned =
        local.scanActive(
            Stores.DAU_USERS,
            StoreKeys.rangeFrom(fromDay),
            StoreKeys.rangeTo(toDay),
            (partition, key, value) -> {
              users.computeIfAbsent(partition, p -> new HashSet<>()).add(StoreKeys.dauUserId(key));
              return true;
            });
    Map<Integer, Long> counts = new HashMap<>();
    for (int partition : scanned) {
      counts.put(partition, (long) users.getOrDefault(partition, Set.of()).size());
    }
    return new CountsReply(counts);
  }

  private static <V> void collect(
      StoreDef<String, V> store, RangeReply reply, Map<Integer, List<KeyValue<String, V>>> into) {
    Map<Integer, List<KeyValue<String, V>>> mine = new HashMap<>();
    for (int partition : reply.partitions()) {
      mine.put(partition, new ArrayList<>());
    }
    for (RangeReply.Entry entry : reply.entries()) {
      List<KeyValue<String, V>> list = mine.get(entry.partition());
      if (list != null) {
        list.add(KeyValue.pair(entry.key(), decode(store, entry.value())));
      }
    }
    // A partition answered twice (an ownership move during the fan-out) counts once.
    mine.forEach(into::putIfAbsent);
  }

  private static void requireComplete(
      StoreDef<?, ?> store, Set<Integer> expected, Set<Integer> answered, List<String> failures) {
    if (!answered.containsAll(expected)) {
      Set<Integer> missing = new TreeSet<>(expected);
      missing.removeAll(answered);
      throw new QueryUnavailableException(
          Reason.INCOMPLETE_FANOUT,
          "Partitions "
              + missing
              + " of "
              + store
              + " did not answer"
              + (failures.isEmpty() ? "" : ": " + String.join("; ", failures)));
    }
  }

  private static <V> V decode(StoreDef<?, V> store, String base64) {
    return store
        .valueSerde()
        .deserializer()
        .deserialize(store.name(), Base64.getDecoder().decode(base64));
  }

  private void requireRunning() {
    KafkaStreams.State current = state.get();
    if (current != KafkaStreams.State.RUNNING) {
      throw new QueryUnavailableException(
          Reason.NOT_RUNNING, "Kafka Streams is " + (current == null ? "not started" : current));
    }
  }
}
