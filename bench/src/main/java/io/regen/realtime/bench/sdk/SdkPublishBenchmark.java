package io.regen.realtime.bench.sdk;

import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.sdk.JobHandle;
import io.regen.realtime.sdk.Published;
import io.regen.realtime.sdk.RegenWorkerClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * SDK publish throughput and send→ack latency with acks=all against a real in-process KRaft broker.
 *
 * <p>Publishes {@code --events} events (default 200,000) as whole jobs (job:started, model chunks
 * and progress, job:completed; 100 events per job) for {@code --users} users, {@code --threads}
 * publishing threads each keeping {@code --active} jobs open and interleaving their events, so
 * batches span many partitions as with real workers. Latency is measured per event from the SDK
 * call to the acknowledgement (its future completing), so it includes validation, serialization,
 * batching (linger), the broker's log append and the acknowledgement. A warm-up of {@code --warmup}
 * events (registers the schema, warms the JIT) is not counted.
 *
 * <p>Two phases: (1) throughput, publishing as fast as possible with at most {@code
 * --max-in-flight} unacknowledged events (its latencies are mostly queueing); (2) latency at a
 * steady {@code --rate} below saturation for {@code --latency-events} events, measured from each
 * event's intended send time.
 *
 * <pre>
 * mvn -q -pl bench -am install -DskipTests -Dspotless.check.skip=true
 * mvn -q -pl bench exec:java -Dexec.mainClass=io.regen.realtime.bench.sdk.SdkPublishBenchmark \
 *     -Dexec.args="--events 200000"
 * </pre>
 */
public final class SdkPublishBenchmark {
  private static final int EVENTS_PER_JOB = 100;
  private static final String CHUNK_TEXT = "streamed tokens of a model response ";

  private SdkPublishBenchmark() {}

  public static void main(String[] args) throws Exception {
    // The classpath also holds logback (through the gateway, for the e2e benchmark): pick the
    // simple logger explicitly, at WARN, before anything logs.
    System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> options = parse(args);
    int events = Integer.parseInt(options.getOrDefault("events", "200000"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "20000"));
    int users = Integer.parseInt(options.getOrDefault("users", "200"));
    int threads = Integer.parseInt(options.getOrDefault("threads", "2"));
    int active = Integer.parseInt(options.getOrDefault("active", "50"));
    int partitions = Integer.parseInt(options.getOrDefault("partitions", "12"));
    int lingerMs = Integer.parseInt(options.getOrDefault("linger-ms", "5"));
    String compression = options.getOrDefault("compression", "none");
    int maxInFlight = Integer.parseInt(options.getOrDefault("max-in-flight", "10000"));
    int rate = Integer.parseInt(options.getOrDefault("rate", "5000"));
    int latencyEvents = Integer.parseInt(options.getOrDefault("latency-events", "50000"));
    String bootstrap = options.get("bootstrap");

    EmbeddedKafkaKraftBroker broker = null;
    if (bootstrap == null) {
      long began = System.nanoTime();
      broker = new EmbeddedKafkaKraftBroker(1, partitions);
      broker.afterPropertiesSet();
      System.clearProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
      bootstrap = broker.getBrokersAsString();
      System.out.printf(
          Locale.ROOT,
          "In-process KRaft broker at %s started in %d ms%n",
          bootstrap,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }
    try {
      createTopic(bootstrap, partitions);
      try (RegenWorkerClient client =
          RegenWorkerClient.builder()
              .bootstrapServers(bootstrap)
              .schemaRegistry(new InMemorySchemaRegistryClient())
              .workerId("bench-worker")
              .lingerMs(lingerMs)
              .compressionType(compression)
              .build()) {
        System.out.printf(
            Locale.ROOT,
            "Publishing %,d events (+%,d warm-up) with acks=all, idempotent, linger.ms=%d,"
                + " compression=%s: %d threads x %d open jobs, %d users, %d partitions%n",
            events,
            warmup,
            lingerMs,
            compression,
            threads,
            active,
            users,
            partitions);
        Pace unpaced = new Pace(0, maxInFlight);
        run(client, "warmup", warmup, users, threads, active, new Recorder(3), unpaced);

        System.out.printf(
            Locale.ROOT,
            "%n1) Throughput: as fast as possible, at most %,d events in flight%n",
            maxInFlight);
        Recorder latency = new Recorder(3);
        long began = System.nanoTime();
        run(client, "run", events, users, threads, active, latency, unpaced);
        report(events, System.nanoTime() - began, latency.getIntervalHistogram());

        if (rate > 0 && latencyEvents > 0) {
          System.out.printf(
              Locale.ROOT,
              "%n2) Latency at a steady %,d events/s (from the intended send time)%n",
              rate);
          Recorder paced = new Recorder(3);
          began = System.nanoTime();
          run(client, "paced", latencyEvents, users, 1, active, paced, new Pace(rate, maxInFlight));
          report(latencyEvents, System.nanoTime() - began, paced.getIntervalHistogram());
        }
      }
    } finally {
      if (broker != null) {
        broker.destroy();
      }
    }
  }

  /** Publishes {@code events} events and returns once all are acknowledged. */
  private static void run(
      RegenWorkerClient client,
      String label,
      int events,
      int users,
      int threads,
      int active,
      Recorder latency,
      Pace pace)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(pace.maxInFlight());
    CountDownLatch acked = new CountDownLatch(events);
    AtomicLong failures = new AtomicLong();
    List<Thread> publishers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int share = events / threads + (t < events % threads ? 1 : 0);
      int thread = t;
      publishers.add(
          new Thread(
              () ->
                  publish(
                      client,
                      label,
                      thread,
                      share,
                      users,
                      active,
                      latency,
                      acked,
                      failures,
                      inFlight,
                      pace.rate() / threads),
              "publisher-" + t));
    }
    publishers.forEach(Thread::start);
    for (Thread p : publishers) {
      p.join();
    }
    if (!acked.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("Not all events were acknowledged within 5 minutes");
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " events failed");
    }
  }

  private static void publish(
      RegenWorkerClient client,
      String label,
      int thread,
      int events,
      int users,
      int active,
      Recorder latency,
      CountDownLatch acked,
      AtomicLong failures,
      Semaphore inFlight,
      int rate) {
    JobHandle[] open = new JobHandle[active];
    int[] sent = new int[active];
    int jobNo = 0;
    long intervalNanos = rate > 0 ? 1_000_000_000L / rate : 0;
    long first = System.nanoTime();
    for (int i = 0; i < events; i++) {
      int slot = i % active;
      int remaining = events - i;
      long start;
      if (intervalNanos > 0) {
        // Latency counts from when the event was due, so a stall is not hidden (coordinated
        // omission).
        start = first + i * intervalNanos;
        while (System.nanoTime() < start) {
          LockSupport.parkNanos(Math.min(100_000, start - System.nanoTime()));
        }
      } else {
        start = System.nanoTime();
      }
      inFlight.acquireUninterruptibly();
      CompletableFuture<Published> ack;
      if (open[slot] == null) {
        String jobId = label + "-" + thread + "-" + jobNo++;
        String user = "user-" + Math.floorMod((jobId + "u").hashCode(), users);
        open[slot] = client.startJob(jobId, user, "model", "benchmark job " + jobId);
        sent[slot] = 1;
        ack = open[slot].started();
      } else if (sent[slot] == EVENTS_PER_JOB - 1 || remaining <= countOpen(open)) {
        ack = open[slot].complete("done");
        open[slot] = null;
      } else {
        int n = sent[slot]++;
        ack =
            n % 10 == 0
                ? open[slot].progress(Math.min(99, n), "step " + n)
                : open[slot].modelChunk("regen-small", n, CHUNK_TEXT, false);
      }
      ack.whenComplete(
          (published, error) -> {
            if (error != null) {
              failures.incrementAndGet();
            } else {
              latency.recordValue((System.nanoTime() - start) / 1000);
            }
            inFlight.release();
            acked.countDown();
          });
    }
  }

  /** How events are paced: a rate (0 = as fast as possible) and a bound on unacknowledged ones. */
  private record Pace(int rate, int maxInFlight) {}

  private static int countOpen(JobHandle[] open) {
    int n = 0;
    for (JobHandle job : open) {
      if (job != null) {
        n++;
      }
    }
    return n;
  }

  private static void report(int events, long elapsedNanos, Histogram micros) {
    double seconds = elapsedNanos / 1e9;
    System.out.printf(Locale.ROOT, "%nevents:            %,d%n", events);
    System.out.printf(Locale.ROOT, "elapsed:           %.2f s%n", seconds);
    System.out.printf(Locale.ROOT, "throughput:        %,.0f events/s%n", events / seconds);
    System.out.printf(
        Locale.ROOT,
        "send->ack latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (n=%,d)%n",
        micros.getValueAtPercentile(50) / 1000.0,
        micros.getValueAtPercentile(99) / 1000.0,
        micros.getValueAtPercentile(99.9) / 1000.0,
        micros.getMaxValue() / 1000.0,
        micros.getTotalCount());
  }

  private static void createTopic(String bootstrap, int partitions) throws Exception {
    try (Admin admin =
        Admin.create(KafkaClientConfigs.fromEnvironment(bootstrap).admin("bench-topics"))) {
      if (!admin
          .listTopics()
          .names()
          .get(30, TimeUnit.SECONDS)
          .contains(Topics.JOB_EVENTS.name())) {
        admin
            .createTopics(List.of(new NewTopic(Topics.JOB_EVENTS.name(), partitions, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: [--events N] [--warmup N] [--users N] [--threads N] [--active N]"
                + " [--partitions N] [--linger-ms N] [--compression none|lz4|zstd]"
                + " [--max-in-flight N] [--rate events/s] [--latency-events N]"
                + " [--bootstrap host:port]");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }
}
