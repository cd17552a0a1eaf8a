package io.regen.realtime.platform.faults;

import static org.awaitility.Awaitility.await;

import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.sdk.JobHandle;
import io.regen.realtime.sdk.RegenWorkerClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Traffic of the fault suite: jobs of {@link #EVENTS_PER_JOB} events (started, three progress,
 * completed) for every user, published with the worker SDK ({@code acks=all}, idempotent), at most
 * one job in flight per user and at most one job started per user each {@code interval} (sized
 * traffic: a long outage does not pile up thousands of jobs). Records what was attempted and what
 * the brokers acknowledged, per user, for the {@link DeliveryOracle}.
 *
 * <p>Job ids are {@code <prefix>-<user>-<n>}: a fault's events are told apart from earlier ones by
 * the prefix.
 */
public final class SdkPublisher implements AutoCloseable {
  /** started, progress x3, completed: seqs 0..4. */
  public static final int EVENTS_PER_JOB = 5;

  /** The job type of every published job (analytics count by it). */
  public static final String JOB_TYPE = "fault";

  private final RegenWorkerClient client;
  private final String prefix;
  private final List<String> users;
  private final Set<EventId> attempted = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<EventId>> acked = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> completed = new ConcurrentHashMap<>();

  /** Per user: the largest publish time (nanoTime) among its acknowledged events. */
  private final Map<String, AtomicLong> lastAckedSentAt = new ConcurrentHashMap<>();

  private final Map<String, CompletableFuture<?>> inFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> jobCounter = new ConcurrentHashMap<>();
  private final AtomicLong produced = new AtomicLong();
  private final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
  private final ScheduledExecutorService ticker;
  private final String padding;

  /**
   * Starts publishing at once.
   *
   * @param bootstrap the cluster's bootstrap servers
   * @param registryUrl the schema registry's base URL
   * @param prefix the job id prefix of this traffic (unique per fault)
   * @param users the users whose jobs are published
   * @param interval at most one new job per user per interval
   */
  public SdkPublisher(
      String bootstrap, String registryUrl, String prefix, List<String> users, Duration interval) {
    this(bootstrap, registryUrl, prefix, users, interval, 0);
  }

  /**
   * As {@link #SdkPublisher(String, String, String, List, Duration)}, with each progress event's
   * message padded to about {@code messageChars} characters (big frames fill slow clients'
   * buffers).
   */
  public SdkPublisher(
      String bootstrap,
      String registryUrl,
      String prefix,
      List<String> users,
      Duration interval,
      int messageChars) {
    this.padding = messageChars > 0 ? " " + "x".repeat(messageChars) : "";
    this.prefix = prefix;
    this.users = List.copyOf(users);
    this.client =
        RegenWorkerClient.builder()
            .bootstrapServers(bootstrap)
            .schemaRegistry(new HttpSchemaRegistryClient(registryUrl))
            .workerId("fault-publisher-" + prefix)
            .build();
    for (String u : users) {
      acked.put(u, ConcurrentHashMap.newKeySet());
      completed.put(u, ConcurrentHashMap.newKeySet());
      lastAckedSentAt.put(u, new AtomicLong(Long.MIN_VALUE));
      inFlight.put(u, CompletableFuture.completedFuture(null));
      jobCounter.put(u, new AtomicLong());
    }
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "publisher-" + prefix);
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleAtFixedRate(this::tick, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void tick() {
    for (String user : users) {
      // Back-pressure: while the cluster cannot acknowledge, the user's job waits; no new one.
      if (inFlight.get(user).isDone()) {
        inFlight.put(user, publishJob(user));
      }
    }
  }

  private CompletableFuture<?> publishJob(String user) {
    String jobId = prefix + "-" + user + "-" + jobCounter.get(user).getAndIncrement();
    try {
      JobHandle handle = client.startJob(jobId, user, JOB_TYPE, "fault suite");
      track(user, jobId, 0, handle.started());
      for (int i = 1; i <= 3; i++) {
        track(user, jobId, handle.nextSeq(), handle.progress(i * 25, "step " + i + padding));
      }
      CompletableFuture<?> end = track(user, jobId, handle.nextSeq(), handle.complete("ok"));
      end.thenRun(() -> completed.get(user).add(jobId));
      // Settled either way: a publish the producer gave up on is not acknowledged, not required.
      return handle.lastPublished().handle((ok, error) -> null);
    } catch (RuntimeException e) {
      // The SDK refused the job (e.g. its producer is closing): nothing of it is required.
      return CompletableFuture.completedFuture(null);
    }
  }

  private <T> CompletableFuture<T> track(
      String user, String jobId, long seq, CompletableFuture<T> f) {
    EventId id = new EventId(jobId, seq);
    attempted.add(id);
    produced.incrementAndGet();
    long sentAt = System.nanoTime();
    return f.whenComplete(
        (ok, error) -> {
          if (error == null) {
            acked.get(user).add(id);
            lastAckNanos.set(System.nanoTime());
            lastAckedSentAt.get(user).accumulateAndGet(sentAt, Math::max);
          }
        });
  }

  public String prefix() {
    return prefix;
  }

  public List<String> users() {
    return users;
  }

  /** Events handed to the SDK so far. */
  public long produced() {
    return produced.get();
  }

  /** Events the brokers acknowledged so far (all users). */
  public long acknowledged() {
    return acked.values().stream().mapToLong(Set::size).sum();
  }

  /** Whether {@code id} was ever handed to the SDK. */
  public boolean attempted(EventId id) {
    return attempted.contains(id);
  }

  /** The acknowledged events of {@code user} (a snapshot). */
  public Set<EventId> acknowledgedOf(String user) {
    return Set.copyOf(acked.get(user));
  }

  /** Jobs of {@code user} whose terminal event was acknowledged (a snapshot). */
  public Set<String> completedJobsOf(String user) {
    return Set.copyOf(completed.get(user));
  }

  /** System.nanoTime() of the last acknowledgement (any user). */
  public long lastAckNanos() {
    return lastAckNanos.get();
  }

  /** Waits until at least {@code n} more events are acknowledged than now. */
  public void awaitMoreAcknowledged(long n, Duration timeout) {
    long target = acknowledged() + n;
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> acknowledged() >= target);
  }

  /**
   * Waits until an event of {@code user} published after {@code sinceNanos} ({@link
   * System#nanoTime()}) is acknowledged: the seconds from {@code sinceNanos} until that was seen
   * (to 50 ms). Acknowledgements of writes already in flight at the fault do not count.
   */
  public double awaitAckOf(String user, long sinceNanos, Duration timeout) {
    AtomicLong last = lastAckedSentAt.get(user);
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> last.get() > sinceNanos);
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  /**
   * Waits until every user has an event published after {@code sinceNanos} acknowledged: the
   * seconds from {@code sinceNanos} until that was seen (to 50 ms).
   */
  public double awaitAckAfter(long sinceNanos, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> lastAckedSentAt.values().stream().allMatch(t -> t.get() > sinceNanos));
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  /** True while no event published after {@code sinceNanos} has been acknowledged. */
  public boolean noAckOfEventSentAfter(long sinceNanos) {
    return lastAckedSentAt.values().stream().allMatch(t -> t.get() <= sinceNanos);
  }

  /** Starts no more jobs and waits until every job in flight is acknowledged or given up. */
  public void stop(Duration timeout) throws Exception {
    ticker.shutdown();
    if (!ticker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("publisher did not stop within " + timeout);
    }
    CompletableFuture.allOf(inFlight.values().toArray(CompletableFuture[]::new))
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    client.close();
  }
}
