package io.regen.realtime.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.query.QueryUnavailableException.Reason;
import io.regen.realtime.query.internal.CountsReply;
import io.regen.realtime.query.internal.JobStateReply;
import io.regen.realtime.query.internal.LocalStoreReader;
import io.regen.realtime.query.internal.RangeReply;
import io.regen.realtime.query.internal.RemoteStoreClient;
import io.regen.realtime.query.internal.StoreLocator;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.streams.ResponseChunkKey;
import io.regen.realtime.streams.StoreDef;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.state.JobState;
import io.regen.realtime.streams.state.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.HostInfo;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Owner routing, standby fallback, fan-out completeness and read-your-writes, with fakes. */
class QueryServiceTest {
  static final HostInfo SELF = new HostInfo("localhost", 1001);
  static final HostInfo OTHER = new HostInfo("localhost", 1002);

  final FakeLocator locator = new FakeLocator();
  final FakeLocal local = new FakeLocal();
  final FakeRemote remote = new FakeRemote();

  /** Every wait of the service between two reads, in nanoseconds (each really waited). */
  final List<Long> parks = new ArrayList<>();

  KafkaStreams.State state = KafkaStreams.State.RUNNING;
  final QueryService service =
      new QueryService(
          () -> state,
          locator,
          local,
          remote,
          Duration.ofMillis(100),
          nanos -> {
            parks.add(nanos);
            LockSupport.parkNanos(nanos);
          });

  /**
   * j1 in partition 2, owned here: attempt 2 streamed "Hello " (seq 1) and "wö" (seq 3), 9 bytes.
   */
  private void helloWorldJobOwnedHere() {
    owner(SELF, 2);
    local.put(2, "j1", streamed("j1", 2, 2, 3, 9), true);
    local.chunk(2, "j1", 2, 1, "Hello ");
    local.chunk(2, "j1", 2, 3, "w\u00f6");
  }

  @Test
  void readsLocallyWhenThisInstanceOwnsTheKey() {
    owner(SELF, 2, OTHER);
    local.put(2, "j1", job("j1", 2, 10), true);
    Optional<JobStateRead> read = service.jobState("j1", "u", ReadOptions.DEFAULT, "Bearer t");
    assertThat(read).isPresent();
    assertThat(read.get().stale()).isFalse();
    assertThat(remote.calls).isEmpty();
  }

  @Test
  void aLocalReadPutsTheStateAndItsChunksOfTheLatestAttemptTogether() {
    helloWorldJobOwnedHere();
    local.chunk(2, "j1", 1, 1, "old attempt ");
    local.chunk(2, "j1", 2, 4, " after the state"); // applied after the state that was read
    local.chunk(2, "j10", 2, 0, "another job");
    JobStateRead read = found("j1", ReadOptions.DEFAULT);
    assertThat(read.state().getResponseSoFar()).isEqualTo("Hello w\u00f6");
    assertThat(read.state().getResponseBytes()).isEqualTo(9);
    assertThat(read.withResponse()).isTrue();

    // A state without chunks (nothing streamed, or a value of an earlier store schema with its
    // text in responseSoFar) needs no chunk read.
    local.put(
        2, "j2", JobState.newBuilder(job("j2", 2, 11)).setResponseSoFar("v2 text").build(), true);
    int reads = local.chunkReads;
    assertThat(found("j2", ReadOptions.DEFAULT).state().getResponseSoFar()).isEqualTo("v2 text");
    assertThat(local.chunkReads).isEqualTo(reads);
  }

  @Test
  void aReadWithoutTheResponseIsOneGetOfTheStoredState() {
    helloWorldJobOwnedHere();
    JobStateRead read = found("j1", ReadOptions.DEFAULT.withoutResponse());
    assertThat(read.withResponse()).isFalse();
    assertThat(read.state().getResponseSoFar()).isEmpty();
    assertThat(read.state().getResponseBytes()).isEqualTo(9);
    assertThat(local.chunkReads).isZero();

    // Chunks that do not add up do not matter to it: nothing of the text is answered.
    local.chunks.get(2).clear();
    assertThat(found("j1", ReadOptions.DEFAULT.withoutResponse()).state().getResponseBytes())
        .isEqualTo(9);
    assertThat(local.chunkReads).isZero();
    assertThat(parks).isEmpty();
  }

  @Test
  void aForwardedReadCarriesTheOptionToTheOwner() {
    owner(OTHER, 1);
    remote.jobs.put(OTHER, new JobStateReply(true, encode(streamed("j2", 1, 1, 3, 9)), false, 0));
    JobStateRead lean =
        service
            .jobState("j2", "u", ReadOptions.DEFAULT.withoutResponse(), "Bearer t")
            .orElseThrow();
    assertThat(lean.withResponse()).isFalse();
    assertThat(lean.state().getResponseBytes()).isEqualTo(9);
    service.jobState("j2", "u", ReadOptions.DEFAULT, "Bearer t");
    assertThat(remote.calls)
        .containsExactly(
            "job:" + OTHER + ":j2:1:false:lean:Bearer t", "job:" + OTHER + ":j2:1:false:Bearer t");
  }

  @Test
  void aChunkStoreThatCannotBeReadWhereTheStateWasIsUnavailableNotAPartialAnswer() {
    owner(SELF, 2);
    local.put(2, "j1", streamed("j1", 2, 1, 1, 5), true);
    assertUnavailable(() -> read("j1"), Reason.STORE_NOT_READY);

    // Readable, but the chunks never add up (a replica behind): a bounded retry, then a 503.
    local.chunk(2, "j1", 1, 0, "Hel");
    int reads = local.chunkReads;
    assertUnavailable(() -> read("j1"), Reason.STORE_NOT_READY)
        .hasMessageContaining("does not match its state");
    assertThat(local.chunkReads - reads).isEqualTo(QueryService.RESPONSE_READS);
    // The second read at once, a pause before each later one.
    assertThat(parks)
        .containsExactlyElementsOf(
            Collections.nCopies(QueryService.RESPONSE_READS - 2, QueryService.POLL_NANOS));
  }

  @Test
  void aReadThatRacedANewAttemptReadsAgainAtOnceAndAnswersTheNewAttempt() {
    owner(SELF, 2);
    local.put(2, "j1", streamed("j1", 2, 1, 1, 8), true);
    local.chunk(2, "j1", 1, 0, "one ");
    local.chunk(2, "j1", 1, 1, "two ");
    // Between the state read and the chunk read, attempt 2 replaces attempt 1.
    local.beforeChunkRead =
        () -> {
          local.beforeChunkRead = () -> {};
          local.chunks.get(2).clear();
          local.chunk(2, "j1", 2, 0, "again");
          JobState second = streamed("j1", 2, 2, 0, 5);
          local.put(2, "j1", second, true);
        };
    JobStateRead read = found("j1", ReadOptions.DEFAULT);
    assertThat(read.state().getAttempt()).isEqualTo(2);
    assertThat(read.state().getResponseSoFar()).isEqualTo("again");
    assertThat(local.chunkReads).isEqualTo(2);
    assertThat(parks).isEmpty();
  }

  @Test
  void forwardsToTheOwnerAndDecodesItsAnswer() {
    owner(OTHER, 1);
    remote.jobs.put(OTHER, new JobStateReply(true, encode(job("j2", 1, 5)), false, 0));
    JobStateRead read = service.jobState("j2", "u", ReadOptions.DEFAULT, "Bearer t").orElseThrow();
    assertThat(read.state().getJobId()).isEqualTo("j2");
    assertThat(remote.calls).containsExactly("job:" + OTHER + ":j2:1:false:Bearer t");
  }

  @Test
  void ownerSaysNotFound() {
    owner(OTHER, 1);
    remote.jobs.put(OTHER, new JobStateReply(false, null, false, 0));
    assertThat(read("j3")).isEmpty();
  }

  @Test
  void unreachableOwnerIsUnavailableUnlessStaleReadsAreAllowed() {
    owner(OTHER, 0, SELF);
    local.put(0, "j4", job("j4", 0, 7), false); // a standby copy here
    local.lag = 3;
    assertUnavailable(() -> read("j4"), Reason.OWNER_UNREACHABLE);

    JobStateRead stale = found("j4", STALE);
    assertThat(stale.stale()).isTrue();
    assertThat(stale.lag()).isEqualTo(3);
  }

  @Test
  void standbyOnlyCopyIsNotServedAsActive() {
    owner(SELF, 0);
    local.put(0, "j5", job("j5", 0, 1), false); // only a standby copy: active read must fail
    assertUnavailable(() -> read("j5"), Reason.STORE_NOT_READY);
  }

  @Test
  void notRunningIsUnavailable() {
    state = KafkaStreams.State.REBALANCING;
    assertUnavailable(() -> read("j"), Reason.NOT_RUNNING);
    assertThatThrownBy(() -> service.fanOutRange(Stores.DAU_DAILY, "a", "z", 10, null))
        .isInstanceOf(QueryUnavailableException.class);
  }

  @Test
  void unknownOwnerIsUnavailable() {
    locator.owner = null;
    assertUnavailable(() -> read("j"), Reason.OWNER_UNKNOWN);
  }

  @Test
  void readYourWritesWaitsThenGivesUp() {
    owner(SELF, 4);
    local.put(4, "j6", job("j6", 4, 100), true);
    // the job's own last position satisfies an older cursor at once
    assertThat(read("j6", atLeast(4, 90))).isPresent();
    // a watermark of the job's task at or past the cursor satisfies it too
    local.watermarks.put(4, Map.of(4, 500L));
    assertThat(read("j6", atLeast(4, 400))).isPresent();
    assertThat(parks).isEmpty();
    // neither: wait (bounded), then 503 POSITION_NOT_REACHED — also with allowStale
    long t0 = System.nanoTime();
    assertUnavailable(
        () -> read("j6", new ReadOptions(true, new LogPosition(4, 900))),
        Reason.POSITION_NOT_REACHED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(100));
    assertThat(parks).isNotEmpty().containsOnly(QueryService.POLL_NANOS);
  }

  @Test
  void aCursorOfAnotherPartitionNamesNoEventOfTheJobAndIsNotWaitedFor() {
    owner(SELF, 4);
    local.put(4, "j6", job("j6", 4, 100), true);
    assertThat(read("j6", atLeast(5, 900))).isPresent();
    assertThat(parks).isEmpty();
  }

  @Test
  void theCallersOwnJobIsReadFromTheCallersPartitionOnly() {
    owner(SELF, 2);
    local.put(2, "j1", job("j1", 2, 10), true);
    assertThat(read("j1")).isPresent();
    assertThat(locator.located).containsExactly("job-state:u");
    // one owner lookup: the partition set (a walk over the whole group's metadata) is not read
    assertThat(locator.partitionSetReads).isZero();
  }

  @Test
  void thePartitionSetIsReadOnceTheCallersPartitionDoesNotHaveTheJob() {
    owner(SELF, 0);
    partitions(Map.of(1, SELF));
    local.put(0, "other", job("other", 0, 1), true);
    local.put(1, "j12", job("j12", 1, 2), true);
    assertThat(read("j12")).isPresent();
    assertThat(locator.partitionSetReads).isEqualTo(1);
  }

  @Test
  void anUnknownPartitionSetAfterAnUnansweredCallersPartitionIsUnavailable() {
    owner(OTHER, 0); // the caller's partition: its owner does not answer
    locator.partitionsUnknown = true; // and then the assignment is gone (a rebalance began)
    assertUnavailable(() -> read("j13"), Reason.OWNER_UNKNOWN)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .isInstanceOfSatisfying(
                        QueryUnavailableException.class,
                        s -> assertThat(s.reason()).isEqualTo(Reason.OWNER_UNREACHABLE)));
  }

  @Test
  void aJobNotInTheCallersPartitionIsLookedForInEveryPartition() {
    // an analyst, or another user's job (the controller answers 403 once it is found)
    owner(SELF, 0);
    partitions(Map.of(1, SELF, 2, OTHER));
    local.put(0, "other", job("other", 0, 1), true);
    local.put(1, "other", job("other", 1, 1), true);
    remote.jobs.put(OTHER, new JobStateReply(true, encode(job("j7", 2, 5)), false, 0));
    assertThat(found("j7", ReadOptions.DEFAULT).state())
        .extracting(JobState::getJobId)
        .isEqualTo("j7");
    assertThat(remote.calls).containsExactly("job:" + OTHER + ":j7:2:false:null");

    // no user given: the cursor's partition is the job's, read first
    remote.calls.clear();
    assertThat(service.jobState("j7", null, atLeast(2, 5), null)).isPresent();
    assertThat(remote.calls).hasSize(1);
  }

  @Test
  void absentOnlyWhenEveryPartitionAnswered() {
    owner(SELF, 0);
    partitions(Map.of(1, OTHER));
    local.put(0, "other", job("other", 0, 1), true);
    // partition 1's owner does not answer: "no such job" cannot be said
    assertUnavailable(
        () -> service.jobState("j8", null, ReadOptions.DEFAULT, null), Reason.OWNER_UNREACHABLE);
    remote.jobs.put(OTHER, new JobStateReply(false, null, false, 0));
    assertThat(service.jobState("j8", null, ReadOptions.DEFAULT, null)).isEmpty();
  }

  @Test
  void aStandbyWithoutTheJobIsNoAnswerWhileTheActiveIsDown() {
    // the active had the job but not yet committed it to the changelog the standby reads
    owner(OTHER, 0, SELF);
    partitions(Map.of());
    local.put(0, "other", job("other", 0, 1), false);
    assertUnavailable(() -> read("j9", STALE), Reason.OWNER_UNREACHABLE);
    local.put(0, "j9", job("j9", 0, 4), false);
    assertThat(found("j9", STALE).stale()).isTrue();
  }

  @Test
  void aJobFoundInOnePartitionIsAnAnswerWhileAnotherCannotAnswer() {
    owner(OTHER, 0); // the caller's partition: down
    partitions(Map.of(1, SELF));
    local.put(1, "j10", job("j10", 1, 2), true);
    assertThat(read("j10")).isPresent();
    // not found where it could be asked, and one partition did not answer: no "absent"
    assertUnavailable(() -> read("j11"), Reason.OWNER_UNREACHABLE);
  }

  @Test
  void fanOutMergesEveryPartitionSortedByKey() {
    locator.partitions = Set.of(0, 1, 2);
    locator.hosts = Set.of(SELF, OTHER);
    local.range.put(0, List.of(KeyValue.pair("2026-01-02", 2L)));
    local.range.put(1, List.of(KeyValue.pair("2026-01-01", 1L)));
    remote.ranges.put(
        OTHER,
        CompletableFuture.completedFuture(
            new RangeReply(
                List.of(2),
                List.of(new RangeReply.Entry(2, "2026-01-01", b64(Stores.DAU_DAILY, 5L))))));
    List<KeyValue<String, Long>> all = service.fanOutRange(Stores.DAU_DAILY, "a", "z", 10, null);
    assertThat(all)
        .extracting(kv -> kv.key + "=" + kv.value)
        .containsExactly("2026-01-01=1", "2026-01-01=5", "2026-01-02=2");
  }

  @Test
  void fanOutWithAMissingPartitionIsUnavailableNotPartial() {
    locator.partitions = Set.of(0, 1, 2);
    locator.hosts = Set.of(SELF, OTHER);
    local.range.put(0, List.of(KeyValue.pair("k", 1L)));
    local.range.put(1, List.of());
    remote.ranges.put(
        OTHER,
        CompletableFuture.failedFuture(
            new QueryUnavailableException(Reason.OWNER_UNREACHABLE, "connection refused")));
    assertThatThrownBy(() -> service.fanOutRange(Stores.DAU_DAILY, "a", "z", 10, null))
        .isInstanceOf(QueryUnavailableException.class)
        .hasMessageContaining("[2]")
        .hasMessageContaining("connection refused")
        .extracting(e -> ((QueryUnavailableException) e).reason())
        .isEqualTo(Reason.INCOMPLETE_FANOUT);
  }

  @Test
  void fanOutSucceedsWhenAnotherInstanceAlreadyTookOverTheDeadOnesPartitions() {
    locator.partitions = Set.of(0, 1);
    locator.hosts = Set.of(SELF, OTHER);
    local.range.put(0, List.of(KeyValue.pair("k0", 1L)));
    local.range.put(1, List.of(KeyValue.pair("k1", 2L)));
    remote.ranges.put(
        OTHER,
        CompletableFuture.failedFuture(
            new QueryUnavailableException(Reason.OWNER_UNREACHABLE, "gone")));
    assertThat(service.fanOutRange(Stores.DAU_DAILY, "a", "z", 10, null)).hasSize(2);
  }

  @Test
  void localRangeHonoursTheLimitPerPartition() {
    local.range.put(
        0, List.of(KeyValue.pair("a", 1L), KeyValue.pair("b", 2L), KeyValue.pair("c", 3L)));
    RangeReply reply = service.localRange(Stores.DAU_DAILY, "a", "z", 2);
    assertThat(reply.partitions()).containsExactly(0);
    assertThat(reply.entries()).extracting(RangeReply.Entry::key).containsExactly("a", "b");
  }

  @Test
  void distinctUsersAddsPartitionsAndRequiresAllOfThem() {
    locator.partitions = Set.of(0, 1);
    locator.hosts = Set.of(SELF, OTHER);
    remote.counts.put(OTHER, CompletableFuture.completedFuture(new CountsReply(Map.of(1, 4L))));
    local.dauUsers.put(
        0, List.of(KeyValue.pair("2026-01-01|u1", 1L), KeyValue.pair("2026-01-02|u1", 1L)));
    assertThat(service.distinctUsers("2026-01-01", "2026-01-02", null)).isEqualTo(5);
    remote.counts.put(OTHER, CompletableFuture.completedFuture(new CountsReply(Map.of())));
    assertThatThrownBy(() -> service.distinctUsers("2026-01-01", "2026-01-02", null))
        .isInstanceOf(QueryUnavailableException.class);
  }

  // ---- fixture ----

  static final ReadOptions STALE = new ReadOptions(true, null);

  /** The caller's partition of job-state: {@code partition}, active on {@code active}. */
  void owner(HostInfo active, int partition, HostInfo... standbys) {
    locator.owner = new KeyQueryMetadata(active, Set.of(standbys), partition);
  }

  /**
   * The store's partitions: the caller's (see {@link #owner}) and these, each active on its host
   * without standbys.
   */
  void partitions(Map<Integer, HostInfo> others) {
    Set<Integer> all = new TreeSet<>(others.keySet());
    all.add(locator.owner.partition());
    locator.partitions = all;
    others.forEach(
        (p, host) -> locator.byPartition.put(p, new KeyQueryMetadata(host, Set.of(), p)));
  }

  /** The caller u's read of a job, without a token. */
  Optional<JobStateRead> read(String jobId, ReadOptions options) {
    return service.jobState(jobId, "u", options, null);
  }

  Optional<JobStateRead> read(String jobId) {
    return read(jobId, ReadOptions.DEFAULT);
  }

  JobStateRead found(String jobId, ReadOptions options) {
    return read(jobId, options).orElseThrow();
  }

  static ReadOptions atLeast(int partition, long offset) {
    return new ReadOptions(false, new LogPosition(partition, offset));
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertUnavailable(
      ThrowingCallable call, Reason reason) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            QueryUnavailableException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  // ---- fakes ----

  static JobState job(String jobId, int inputPartition, long lastOffset) {
    return JobState.newBuilder()
        .setJobId(jobId)
        .setUserId("u")
        .setStatus(JobStatus.RUNNING)
        .setLastPosition(
            new io.regen.realtime.streams.state.LogPosition(inputPartition, lastOffset))
        .build();
  }

  /** A job whose state counts {@code bytes} bytes of its attempt's chunk text up to lastSeq. */
  static JobState streamed(String jobId, int partition, int attempt, long lastSeq, int bytes) {
    JobState s = job(jobId, partition, 10);
    s.setAttempt(attempt);
    s.setLastSeq(lastSeq);
    s.setResponseBytes(bytes);
    return s;
  }

  static String encode(JobState state) {
    return Base64.getEncoder()
        .encodeToString(Stores.JOB_STATE.valueSerde().serializer().serialize("t", state));
  }

  static <V> String b64(StoreDef<String, V> store, V value) {
    return Base64.getEncoder()
        .encodeToString(store.valueSerde().serializer().serialize("t", value));
  }

  static final class FakeLocator implements StoreLocator {
    KeyQueryMetadata owner;
    Set<Integer> partitions = Set.of();
    Set<HostInfo> hosts = Set.of();
    final Map<Integer, KeyQueryMetadata> byPartition = new HashMap<>();
    final List<String> located = new ArrayList<>();
    int partitionSetReads;
    boolean partitionsUnknown;

    @Override
    public HostInfo self() {
      return SELF;
    }

    @Override
    public <K> KeyQueryMetadata locate(StoreDef<K, ?> store, K key) {
      located.add(store.name() + ":" + key);
      if (owner == null) {
        throw new QueryUnavailableException(Reason.OWNER_UNKNOWN, "no assignment");
      }
      return owner;
    }

    @Override
    public KeyQueryMetadata locatePartition(StoreDef<?, ?> store, int partition) {
      KeyQueryMetadata m =
          byPartition.getOrDefault(
              partition, owner != null && owner.partition() == partition ? owner : null);
      if (m == null) {
        throw new QueryUnavailableException(Reason.OWNER_UNKNOWN, "partition not assigned");
      }
      return m;
    }

    @Override
    public Set<HostInfo> activeHosts(StoreDef<?, ?> store) {
      return hosts;
    }

    @Override
    public Set<Integer> partitions(StoreDef<?, ?> store) {
      partitionSetReads++;
      if (partitionsUnknown) {
        throw new QueryUnavailableException(Reason.OWNER_UNKNOWN, "no assignment");
      }
      return partitions;
    }
  }

  static final class FakeLocal implements LocalStoreReader {
    final Map<Integer, Map<String, JobState>> active = new HashMap<>();
    final Map<Integer, Map<String, JobState>> standby = new HashMap<>();
    final Map<Integer, Map<Integer, Long>> watermarks = new HashMap<>();
    final Map<Integer, List<KeyValue<String, Long>>> range = new HashMap<>();
    final Map<Integer, List<KeyValue<String, Long>>> dauUsers = new HashMap<>();

    /** Chunk store per partition (active copies); a missing partition is not queryable. */
    final Map<Integer, java.util.TreeMap<ResponseChunkKey, String>> chunks = new HashMap<>();

    /** Applied before each chunk read (to change the store between reads). */
    Runnable beforeChunkRead = () -> {};

    int chunkReads;
    long lag;

    void put(int partition, String jobId, JobState state, boolean isActive) {
      (isActive ? active : standby)
          .computeIfAbsent(partition, p -> new HashMap<>())
          .put(jobId, state);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Optional<V> get(StoreDef<K, V> store, K key, int partition, boolean activeOnly) {
      if (store == Stores.EVENTS_WATERMARK) {
        return Optional.ofNullable((V) watermarks.getOrDefault(partition, Map.of()).get(key));
      }
      if (active.containsKey(partition)) {
        return Optional.ofNullable((V) active.get(partition).get(key));
      }
      if (!activeOnly && standby.containsKey(partition)) {
        return Optional.ofNullable((V) standby.get(partition).get(key));
      }
      throw new QueryUnavailableException(Reason.STORE_NOT_READY, "partition not here");
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> List<V> rangeValues(
        StoreDef<K, V> store, K from, K to, int partition, boolean activeOnly) {
      assertThat(store).isSameAs(Stores.JOB_RESPONSE_CHUNKS);
      chunkReads++;
      beforeChunkRead.run();
      var partitionChunks = chunks.get(partition);
      if (partitionChunks == null) {
        throw new QueryUnavailableException(Reason.STORE_NOT_READY, "chunks not here");
      }
      return (List<V>)
          new ArrayList<>(
              partitionChunks
                  .subMap((ResponseChunkKey) from, true, (ResponseChunkKey) to, true)
                  .values());
    }

    void chunk(int partition, String jobId, int attempt, long seq, String text) {
      chunks
          .computeIfAbsent(
              partition,
              p ->
                  new java.util.TreeMap<>(
                      Comparator.comparing(ResponseChunkKey::jobId)
                          .thenComparingInt(ResponseChunkKey::attempt)
                          .thenComparingLong(ResponseChunkKey::seq)))
          .put(new ResponseChunkKey(jobId, attempt, seq), text);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> Set<Integer> scanActive(
        StoreDef<String, V> store, String from, String to, EntrySink<V> sink) {
      Map<Integer, List<KeyValue<String, Long>>> source =
          store == Stores.DAU_USERS ? dauUsers : range;
      Set<Integer> scanned = new TreeSet<>();
      source.forEach(
          (partition, entries) -> {
            for (KeyValue<String, Long> kv : new ArrayList<>(entries)) {
              if (!sink.accept(partition, kv.key, (V) kv.value)) {
                break;
              }
            }
            scanned.add(partition);
          });
      return scanned;
    }

    @Override
    public long lag(StoreDef<?, ?> store, int partition) {
      return lag;
    }
  }

  static final class FakeRemote implements RemoteStoreClient {
    final Map<HostInfo, JobStateReply> jobs = new HashMap<>();
    final Map<HostInfo, CompletableFuture<RangeReply>> ranges = new HashMap<>();
    final Map<HostInfo, CompletableFuture<CountsReply>> counts = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public JobStateReply jobState(
        HostInfo host,
        String jobId,
        int partition,
        boolean stale,
        LogPosition minPosition,
        boolean withResponse,
        String authorization) {
      calls.add(
          "job:"
              + host
              + ":"
              + jobId
              + ":"
              + partition
              + ":"
              + stale
              + (withResponse ? "" : ":lean")
              + ":"
              + authorization);
      JobStateReply reply = jobs.get(host);
      if (reply == null) {
        throw new QueryUnavailableException(Reason.OWNER_UNREACHABLE, host + " refused");
      }
      return reply;
    }

    @Override
    public CompletableFuture<RangeReply> range(
        HostInfo host,
        StoreDef<String, ?> store,
        String from,
        String to,
        int limitPerPartition,
        String authorization) {
      return ranges.getOrDefault(
          host,
          CompletableFuture.failedFuture(
              new QueryUnavailableException(Reason.OWNER_UNREACHABLE, "down")));
    }

    @Override
    public CompletableFuture<CountsReply> distinctUsers(
        HostInfo host, String fromDay, String toDay, String authorization) {
      return counts.getOrDefault(
          host,
          CompletableFuture.failedFuture(
              new QueryUnavailableException(Reason.OWNER_UNREACHABLE, "down")));
    }
  }
}
