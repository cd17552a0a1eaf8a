package io.regen.realtime.bench.e2e;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.gateway.delivery.ClientSession;
import io.regen.realtime.gateway.delivery.DeliveryMetrics;
import io.regen.realtime.gateway.delivery.DeliveryProperties;
import io.regen.realtime.gateway.delivery.KafkaEventDelivery;
import io.regen.realtime.gateway.jobs.InMemoryJobDirectory;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * End-to-end delivery latency: a producer (acks=all, key=userId, registry Avro serde) sends job
 * events at a fixed rate to a real in-process KRaft broker (12 partitions); the gateway's {@link
 * KafkaEventDelivery} fans them out to N connected sessions (N users, one session each). Latency is
 * producer {@code send} → frame handed to the session's outbound buffer, measured on one clock (the
 * event's seq indexes the send time). The sessions are in-process {@link ClientSession}s: this
 * measures Kafka + dispatch, not the WebSocket write.
 *
 * <p>Usage: {@code java -cp ... DeliveryLatencyBenchmark [connections] [events/s] [seconds]}
 * (defaults 1000 2000 30). Prints p50/p99/p999/max in ms, events received, heap per connection.
 */
public final class DeliveryLatencyBenchmark {
  private static final int PARTITIONS = 12;

  private DeliveryLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int warmupSeconds = Math.min(5, Math.max(1, seconds / 6));
    Result r = run(connections, rate, seconds, warmupSeconds);
    System.out.println(r);
    System.exit(0);
  }

  record Result(
      int connections,
      int rate,
      int seconds,
      long sent,
      long received,
      double p50,
      double p99,
      double p999,
      double max,
      long heapUsedMb,
      long rssMb,
      double framesDropped) {
    @Override
    public String toString() {
      return String.format(
          "connections=%d rate=%d/s duration=%ds sent=%d received=%d | latency ms p50=%.2f"
              + " p99=%.2f p999=%.2f max=%.2f | heap used %d MB, RSS %d MB (broker, producer"
              + " and gateway in one JVM), slow fallbacks %.0f",
          connections,
          rate,
          seconds,
          sent,
          received,
          p50,
          p99,
          p999,
          max,
          heapUsedMb,
          rssMb,
          framesDropped);
    }
  }

  static Result run(int connections, int rate, int seconds, int warmupSeconds) throws Exception {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
    broker.afterPropertiesSet();
    System.clearProperty(EmbeddedKafkaKraftBroker.BROKER_LIST_PROPERTY);
    String topicName = "bench-events-" + System.nanoTime();
    broker.addTopics(new NewTopic(topicName, PARTITIONS, (short) 1));
    Topic<String, JobEvent> topic = new Topic<>(topicName, Serdes.String(), JobEvent.class);
    RegistrySerdes serdes = new RegistrySerdes(new InMemorySchemaRegistryClient());

    int total = rate * (seconds + warmupSeconds);
    long[] sendNanos = new long[total];
    Recorder recorder = new Recorder(3);
    AtomicLong received = new AtomicLong();
    AtomicLong warmupEnd = new AtomicLong(rate * (long) warmupSeconds);

    DeliveryMetrics metrics = new DeliveryMetrics(new SimpleMeterRegistry());
    KafkaEventDelivery delivery =
        new KafkaEventDelivery(
            topic,
            new GatewayKafkaClients(
                broker.getBrokersAsString(),
                Map.of(),
                DeliveryProperties.defaults().fetchMaxWait()),
            serdes.valueDeserializer(Topics.JOB_EVENTS),
            DeliveryProperties.defaults(),
            metrics,
            new InMemoryJobDirectory(10_000));
    delivery.start();
    List<String> users = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) {
      String user = "bench-user-" + i;
      users.add(user);
      BenchSession s = new BenchSession(user, sendNanos, recorder, received, warmupEnd);
      delivery.subscribe(s, null).start();
    }
    while (delivery.assignedPartitions().size() < Math.min(PARTITIONS, connections)) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }

    Map<String, Object> p =
        KafkaClientConfigs.plaintext(broker.getBrokersAsString()).producer("bench-latency");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    try (KafkaProducer<String, JobEvent> producer =
        new KafkaProducer<>(p, new StringSerializer(), serdes.valueSerializer(Topics.JOB_EVENTS))) {
      // Register the schema and warm the connection before timing.
      producer.send(new ProducerRecord<>(topicName, "warmup", event("warmup", -1))).get();
      long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + i * intervalNanos;
        long now;
        while ((now = System.nanoTime()) < due) {
          long wait = due - now;
          if (wait > 200_000) {
            LockSupport.parkNanos(wait - 100_000);
          } else {
            Thread.onSpinWait();
          }
        }
        String user = users.get(i % connections);
        sendNanos[i] = System.nanoTime();
        producer.send(new ProducerRecord<>(topicName, user, event(user, i)));
      }
      producer.flush();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (received.get() < total && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    Histogram h = recorder.getIntervalHistogram();
    System.gc();
    long heapMb =
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    Result result =
        new Result(
            connections,
            rate,
            seconds,
            total,
            received.get(),
            h.getValueAtPercentile(50) / 1e6,
            h.getValueAtPercentile(99) / 1e6,
            h.getValueAtPercentile(99.9) / 1e6,
            h.getMaxValue() / 1e6,
            heapMb,
            rssMb(),
            metrics.slowFallbackCount());
    delivery.close();
    broker.destroy();
    return result;
  }

  private static JobEvent event(String user, long seq) {
    return JobEvent.newBuilder()
        .setEventId(java.util.UUID.randomUUID().toString())
        .setJobId("job-" + user)
        .setUserId(user)
        .setSeq(seq)
        .setOccurredAt(Instant.now())
        .setProducer("bench")
        .setPayload(new JobProgress(50, "working"))
        .build();
  }

  private static long rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return -1;
  }

  /** A connected client as delivery sees it; records send→offer latency per frame. */
  private static final class BenchSession implements ClientSession {
    private static final AtomicLong IDS = new AtomicLong();
    private final String id = "bench-" + IDS.incrementAndGet();
    private final String userId;
    private final long[] sendNanos;
    private final Recorder recorder;
    private final AtomicLong received;
    private final AtomicLong warmupEnd;

    BenchSession(
        String userId, long[] sendNanos, Recorder recorder, AtomicLong received, AtomicLong w) {
      this.userId = userId;
      this.sendNanos = sendNanos;
      this.recorder = recorder;
      this.received = received;
      this.warmupEnd = w;
    }

    @Override
    public String sessionId() {
      return id;
    }

    @Override
    public String userId() {
      return userId;
    }

    @Override
    public boolean offer(String frame) {
      long now = System.nanoTime();
      int at = frame.indexOf("\"seq\":") + 6;
      long seq = 0;
      for (int i = at; i < frame.length(); i++) {
        char c = frame.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        seq = seq * 10 + (c - '0');
      }
      if (seq < sendNanos.length && sendNanos[(int) seq] != 0) {
        received.incrementAndGet();
        if (seq >= warmupEnd.get()) {
          recorder.recordValue(Math.max(0, now - sendNanos[(int) seq]));
        }
      }
      return true;
    }

    @Override
    public int pendingFrames() {
      return 0;
    }

    @Override
    public void close(CloseCode code, String reason) {}

    @Override
    public boolean isOpen() {
      return true;
    }
  }
}
