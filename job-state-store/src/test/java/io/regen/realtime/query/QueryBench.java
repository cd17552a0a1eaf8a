package io.regen.realtime.query;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.streams.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures the query layer on this machine: p50/p99 of {@code GET /api/job/{id}/status} answered
 * locally and forwarded to the other instance, at a fixed request rate, and the time to restore the
 * state of N jobs onto an empty disk. Not a test; run:
 *
 * <pre>
 * mvn -B -o -q -pl job-state-store test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.regen.realtime.query.QueryBench [-Dbench.jobs=5000 -Dbench.rate=200 -Dbench.requests=2000]
 * </pre>
 */
public final class QueryBench {
  private QueryBench() {}

  public static void main(String[] args) throws Exception {
    int jobs = Integer.getInteger("bench.jobs", 5000);
    int rate = Integer.getInteger("bench.rate", 200);
    int requests = Integer.getInteger("bench.requests", 2000);
    String run = UUID.randomUUID().toString().substring(0, 8);
    Path dir = Files.createTempDirectory("query-bench");
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    try (TestKafka kafka = new TestKafka(1, 4)) {
      String appId = "bench-" + run;
      QueryInstance a = QueryInstance.start(kafka, appId, "a", dir.resolve("a"), Map.of());
      QueryInstance b = QueryInstance.start(kafka, appId, "b", dir.resolve("b"), Map.of());
      waitUntil(() -> a.running() && b.running(), Duration.ofSeconds(90));

      List<String> ids = produce(kafka, run, jobs);
      Http http = new Http();
      String analyst = Http.analystToken("bench");
      long t0 = System.nanoTime();
      waitUntil(
          () -> {
            Http.Response r =
                http.get(a.port, "/api/analytics/jobs?from=" + today + "&to=" + today, analyst);
            return r.status() == 200 && r.json().get("total").get("started").asLong() == jobs;
          },
          Duration.ofMinutes(5));
      System.out.printf(
          "processed %d jobs (%d events) %d ms after the last send%n",
          jobs, jobs * 2, Duration.ofNanos(System.nanoTime() - t0).toMillis());

      List<String> local = new ArrayList<>();
      List<String> forwarded = new ArrayList<>();
      var streams = a.runtime().streams();
      for (String id : ids) {
        var owner =
            streams.queryMetadataForKey(Stores.JOB_STATE.name(), id, Serdes.String().serializer());
        (owner.activeHost().equals(a.runtime().self()) ? local : forwarded).add(id);
      }
      String token = Http.analystToken("bench");
      measure(http, a.port, "warm-up", local, token, rate, Math.min(500, requests));
      measure(http, a.port, "local", local, token, rate, requests);
      measure(http, a.port, "forwarded", forwarded, token, rate, requests);

      a.close();
      b.close();
      // Restore: a new instance on an empty disk rebuilds every store from the changelogs.
      long start = System.nanoTime();
      try (QueryInstance c = QueryInstance.start(kafka, appId, "c", dir.resolve("c"), Map.of())) {
        waitUntil(c::running, Duration.ofMinutes(5));
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.printf(
            "restore: %d records (all stores, %d jobs) restored in %d ms (first restore start to"
                + " last end); instance RUNNING %d ms after start (incl. Spring start, group join)%n",
            c.runtime().restore().totalRestored(),
            jobs,
            c.runtime().restore().restoreSpan().toMillis(),
            ms);
      }
    }
  }

  private static List<String> produce(TestKafka kafka, String run, int jobs) throws Exception {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5);
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<String, JobEvent> producer =
        new KafkaProducer<>(
            p, new StringSerializer(), kafka.serdes.valueSerializer(Topics.JOB_EVENTS))) {
      for (int j = 0; j < jobs; j++) {
        String user = "user-" + (j % 97);
        String job = "job-" + run + "-" + j;
        ids.add(job);
        producer.send(record(user, job, 0, new JobStarted("model", "")));
        producer.send(record(user, job, 1, new JobProgress(50, "half")));
      }
      producer.flush();
    }
    return ids;
  }

  private static ProducerRecord<String, JobEvent> record(
      String user, String job, long seq, Object payload) {
    JobEvent event =
        JobEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setJobId(job)
            .setUserId(user)
            .setSeq(seq)
            .setOccurredAt(Instant.now())
            .setProducer("bench")
            .setPayload(payload)
            .build();
    return new ProducerRecord<>(Topics.JOB_EVENTS.name(), user, event);
  }

  /** Sends {@code n} requests at a fixed rate (open loop) and prints p50/p99/max. */
  private static void measure(
      Http http, int port, String label, List<String> ids, String token, int rate, int n) {
    Histogram latency = new Histogram(3);
    long interval = 1_000_000_000L / rate;
    long next = System.nanoTime();
    int errors = 0;
    for (int i = 0; i < n; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      long t = System.nanoTime();
      Http.Response r = http.get(port, "/api/job/" + ids.get(i % ids.size()) + "/status", token);
      latency.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
      if (r.status() != 200) {
        errors++;
      }
      next += interval;
    }
    System.out.printf(
        "%-9s %d requests at %d req/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms, non-200 %d%n",
        label,
        n,
        rate,
        latency.getValueAtPercentile(50) / 1000.0,
        latency.getValueAtPercentile(99) / 1000.0,
        latency.getMaxValue() / 1000.0,
        errors);
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out after " + max);
      }
      LockSupport.parkNanos(100_000_000L);
    }
  }
}
