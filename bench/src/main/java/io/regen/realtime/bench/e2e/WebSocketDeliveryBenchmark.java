package io.regen.realtime.bench.e2e;

import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.registry.SchemaRegistryServer;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * End-to-end delivery over real WebSockets: worker {@code send} → browser-like client receipt.
 *
 * <p>This JVM runs a real in-process KRaft broker (spring-kafka-test's, 12 partitions for {@code
 * jobs.events.v1}), the project's schema registry server, a producer (acks=all, idempotent,
 * key=userId, registry Avro serde) sending at a fixed rate, and N WebSocket clients (one Jetty
 * client, see {@link BenchClients}). The gateway runs in a SEPARATE JVM ({@link
 * GatewayBenchServer}, the gateway's Spring Boot auto-configuration on Jetty) so server memory
 * (RSS, heap after GC) is measured on its own.
 *
 * <p>Latency is measured on ONE clock: the producer and the clients share this JVM, the send time
 * of event {@code seq} is kept in an array, the client subtracts it from {@link System#nanoTime()}
 * at receipt. Warm-up events are excluded.
 *
 * <p>Usage: {@code java -cp <bench classpath>
 * io.regen.realtime.bench.e2e.WebSocketDeliveryBenchmark --connections 1000 --rate 2000 --seconds
 * 30 [--ramp] [--restart] [--server-jvm "-Xmx1g -XX:+UseG1GC"] [--batching] [--warmup 5]}. See
 * docs/performance.md.
 */
public final class WebSocketDeliveryBenchmark {
  private static final int PARTITIONS = 12;
  private static final String SECRET = "bench-secret-bench-secret-bench-secret-bench-secret-00";

  private final Map<String, String> opts;
  private final int connections;
  private final int rate;
  private final int seconds;
  private final int warmup;
  private final String serverJvm;
  private final boolean batching;
  private Path serverLog;
  private int serverStarts;

  private EmbeddedKafkaKraftBroker broker;
  private SchemaRegistryServer registry;
  private ServerProcess server;
  private int port;

  private WebSocketDeliveryBenchmark(Map<String, String> opts) {
    this.opts = opts;
    this.connections = Integer.parseInt(opts.getOrDefault("connections", "1000"));
    this.rate = Integer.parseInt(opts.getOrDefault("rate", "2000"));
    this.seconds = Integer.parseInt(opts.getOrDefault("seconds", "30"));
    this.warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    this.serverJvm =
        opts.getOrDefault("server-jvm", "-Xms256m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=10");
    this.batching = opts.containsKey("batching");
  }

  public static void main(String[] args) throws Exception {
    // Quiet client-side logging (the server JVM logs to its own file).
    System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> opts = parse(args);
    WebSocketDeliveryBenchmark b = new WebSocketDeliveryBenchmark(opts);
    int code = 0;
    try {
      if (opts.containsKey("ramp")) {
        b.ramp();
      } else if (opts.containsKey("restart")) {
        b.restart();
      } else {
        b.fixedRate();
      }
    } catch (Exception e) {
      e.printStackTrace();
      code = 1;
    } finally {
      b.shutdown();
    }
    System.exit(code);
  }

  // ------------------------------------------------------------------ modes

  private void fixedRate() throws Exception {
    start();
    long total = (long) rate * (warmup + seconds);
    long[] sendNanos = new long[(int) total];
    Recorder recorder = new Recorder(3);
    ServerStats idle = server.stats();
    try (BenchClients clients = clients(sendNanos, recorder);
        KafkaProducer<String, JobEvent> producer = producer()) {
      long connectStart = System.nanoTime();
      clients.connectAll(200, Duration.ofMinutes(3));
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      ServerStats connected = server.stats();
      clients.measureFrom = (long) rate * warmup;
      recorder.reset();
      String load = loadAverage();
      long cpuServer0 = server.cpuNanos();
      long cpuSelf0 = selfCpuNanos();
      long wall0 = System.nanoTime();
      produce(producer, clients, sendNanos, 0, total, rate);
      awaitReceived(clients, total, Duration.ofSeconds(20));
      double wall = System.nanoTime() - wall0;
      System.out.printf(
          Locale.ROOT,
          "CPU during the run (cores busy): gateway JVM %.2f, client JVM (broker + registry +"
              + " producer + clients) %.2f, of %d%n",
          (server.cpuNanos() - cpuServer0) / wall,
          (selfCpuNanos() - cpuSelf0) / wall,
          Runtime.getRuntime().availableProcessors());
      Histogram h = recorder.getIntervalHistogram();
      printServerLatency();
      ServerStats after = server.stats();
      report(
          "fixed",
          rate,
          h,
          clients,
          total,
          idle,
          connected,
          after,
          load,
          String.format(Locale.ROOT, "connect %.1fs", connectSeconds));
    }
  }

  private void ramp() throws Exception {
    start();
    int step = Integer.parseInt(opts.getOrDefault("ramp-step", "5000"));
    int from = Integer.parseInt(opts.getOrDefault("ramp-from", "5000"));
    int to = Integer.parseInt(opts.getOrDefault("ramp-to", "100000"));
    int stepSeconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int stepWarmup = Math.min(warmup, 2);
    long maxTotal = 0;
    for (int r = from; r <= to; r += step) {
      maxTotal += (long) r * (stepSeconds + stepWarmup);
    }
    long[] sendNanos = new long[(int) Math.min(Integer.MAX_VALUE - 8, maxTotal)];
    Recorder recorder = new Recorder(3);
    ServerStats idle = server.stats();
    int lastUnder = 0;
    try (BenchClients clients = clients(sendNanos, recorder);
        KafkaProducer<String, JobEvent> producer = producer()) {
      clients.connectAll(200, Duration.ofMinutes(3));
      ServerStats connected = server.stats();
      long seq = 0;
      for (int r = from; r <= to; r += step) {
        long warm = (long) r * stepWarmup;
        long measured = (long) r * stepSeconds;
        clients.measureFrom = seq + warm;
        recorder.reset();
        String load = loadAverage();
        long achieved = produce(producer, clients, sendNanos, seq, seq + warm + measured, r);
        boolean complete = awaitReceived(clients, seq + warm + measured, Duration.ofSeconds(20));
        Histogram h = recorder.getIntervalHistogram();
        seq += warm + measured;
        report(
            "ramp",
            r,
            h,
            clients,
            seq,
            idle,
            connected,
            null,
            load,
            "producer achieved " + achieved + "/s");
        double p99 = h.getValueAtPercentile(99) / 1000.0;
        if (!complete || p99 > 100 || achieved < r * 0.95) {
          System.out.println(
              "RAMP STOP at "
                  + r
                  + "/s (p99 "
                  + p99
                  + " ms, complete="
                  + complete
                  + ", producer "
                  + achieved
                  + "/s); last rate with p99 <= 100 ms: "
                  + lastUnder
                  + "/s");
          return;
        }
        lastUnder = r;
      }
      System.out.println("RAMP reached " + to + "/s with p99 <= 100 ms");
    }
  }

  /**
   * Clients receive at a fixed rate; a third into the run the gateway JVM gets SIGTERM and is
   * started again; clients reconnect with their last cursor. Counts lost and duplicated events and
   * the time until every client receives again.
   */
  private void restart() throws Exception {
    start();
    long total = (long) rate * (warmup + seconds);
    long[] sendNanos = new long[(int) total];
    Recorder recorder = new Recorder(3);
    ServerStats idle = server.stats();
    try (BenchClients clients = clients(sendNanos, recorder);
        KafkaProducer<String, JobEvent> producer = producer()) {
      clients.connectAll(200, Duration.ofMinutes(3));
      ServerStats connected = server.stats();
      clients.reconnect = true;
      clients.measureFrom = (long) rate * warmup;
      recorder.reset();
      String load = loadAverage();
      long restartAt = (long) rate * (warmup + seconds / 3);
      Thread restarter =
          new Thread(
              () -> {
                try {
                  restartServer(clients, sendNanos, restartAt);
                } catch (Exception e) {
                  e.printStackTrace();
                }
              },
              "bench-restarter");
      restarter.start();
      produce(producer, clients, sendNanos, 0, total, rate);
      restarter.join();
      awaitReceived(clients, total, Duration.ofSeconds(30));
      Histogram h = recorder.getIntervalHistogram();
      report(
          "restart",
          rate,
          h,
          clients,
          total,
          idle,
          connected,
          null,
          load,
          "latency includes the outage");
    }
  }

  private void restartServer(BenchClients clients, long[] sendNanos, long restartAt)
      throws Exception {
    while (sendNanos[(int) restartAt] == 0) {
      Thread.sleep(5);
    }
    long kill = System.nanoTime();
    server.stop();
    long exited = System.nanoTime();
    server = ServerProcess.start(serverCommand(), nextServerLog());
    long ready = System.nanoTime();
    // Every client reconnects (its own loop) and gets its welcome.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (BenchClients.User u : clients.users) {
        if (u.welcomeNanos < ready || u.session == null) {
          all = false;
          break;
        }
      }
      if (all) {
        break;
      }
      Thread.sleep(20);
    }
    long allWelcomed = System.nanoTime();
    // ... and receives again: its first event after the new welcome.
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (BenchClients.User u : clients.users) {
        if (u.firstEventAfterWelcomeNanos == 0) {
          all = false;
          break;
        }
      }
      if (all) {
        break;
      }
      Thread.sleep(20);
    }
    long allReceiving = System.nanoTime();
    Histogram welcomeToFirst = new Histogram(3);
    long worstFromReady = 0;
    for (BenchClients.User u : clients.users) {
      welcomeToFirst.recordValue(Math.max(0, u.firstEventAfterWelcomeNanos / 1000));
      worstFromReady =
          Math.max(worstFromReady, u.welcomeNanos + u.firstEventAfterWelcomeNanos - ready);
    }
    System.out.printf(
        Locale.ROOT,
        "RESTART: SIGTERM→exit %.2fs, exit→new gateway ready %.2fs, ready→all %d clients"
            + " re-welcomed %.2fs, →all receiving again %.2fs; per client welcome→first event"
            + " p50 %.3fs p99 %.3fs max %.3fs; worst ready→first event %.3fs%n",
        (exited - kill) / 1e9,
        (ready - exited) / 1e9,
        clients.users.length,
        (allWelcomed - ready) / 1e9,
        (allReceiving - ready) / 1e9,
        welcomeToFirst.getValueAtPercentile(50) / 1e6,
        welcomeToFirst.getValueAtPercentile(99) / 1e6,
        welcomeToFirst.getMaxValue() / 1e6,
        worstFromReady / 1e9);
  }

  // ------------------------------------------------------------------ parts

  private void start() throws Exception {
    System.out.println("load average at start: " + loadAverage());
    broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
    // As the platform's EmbeddedKraftBroker on this 2-core box; flush settings stay Kafka's
    // defaults (durability comes from acks=all, not from fsync per write).
    broker.brokerProperties(Map.of("num.network.threads", "2", "num.io.threads", "4"));
    broker.afterPropertiesSet();
    System.clearProperty(EmbeddedKafkaKraftBroker.BROKER_LIST_PROPERTY);
    System.clearProperty("spring.kafka.bootstrap-servers");
    broker.addTopics(
        new NewTopic(Topics.JOB_EVENTS.name(), PARTITIONS, (short) 1),
        new NewTopic(Topics.JOB_REQUESTS.name(), PARTITIONS, (short) 1),
        new NewTopic(Topics.GATEWAY_SESSIONS.name(), PARTITIONS, (short) 1));
    registry = new SchemaRegistryServer(broker.getBrokersAsString(), 0);
    registry.start();
    port = freePort();
    server = ServerProcess.start(serverCommand(), nextServerLog());
  }

  private Path nextServerLog() {
    serverLog =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "regen-bench-gateway-" + (++serverStarts) + ".log");
    return serverLog;
  }

  private List<String> serverCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(serverJvm.trim().split("\\s+")));
    cmd.add("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(GatewayBenchServer.class.getName());
    cmd.add("--server.port=" + port);
    cmd.add("--regen.gateway.enabled=true");
    cmd.add("--regen.kafka.bootstrap-servers=" + broker.getBrokersAsString());
    cmd.add("--regen.schema-registry.url=" + registry.url());
    cmd.add("--regen.jwt.secret=" + SECRET);
    cmd.add("--regen.gateway.max-connections-per-ip=1000000");
    cmd.add("--regen.gateway.auth-timeout=60s");
    cmd.add("--logging.level.root=WARN");
    cmd.add("--logging.level.io.regen=INFO");
    cmd.add("--spring.main.banner-mode=off");
    cmd.add("--management.endpoints.web.exposure.include=health,prometheus");
    String extra = opts.get("server-args");
    if (extra != null) {
      cmd.addAll(Arrays.asList(extra.trim().split("\\s+")));
    }
    return cmd;
  }

  private BenchClients clients(long[] sendNanos, Recorder recorder) throws Exception {
    JwtIssuer issuer = new JwtIssuer(JwtSettings.hs256(SECRET));
    String[] tokens = new String[connections];
    for (int i = 0; i < connections; i++) {
      tokens[i] = issuer.issue("bench-user-" + i, List.of(), Duration.ofHours(12));
    }
    return new BenchClients(
        URI.create("ws://127.0.0.1:" + port + "/ws"), connections, tokens, sendNanos, recorder);
  }

  private KafkaProducer<String, JobEvent> producer() throws Exception {
    Map<String, Object> p =
        KafkaClientConfigs.plaintext(broker.getBrokersAsString()).producer("bench-ws-delivery");
    // Latency runs send each record at once; throughput runs let records batch for 1 ms.
    p.put(ProducerConfig.LINGER_MS_CONFIG, batching ? 1 : 0);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, batching ? 65536 : 16384);
    KafkaProducer<String, JobEvent> producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            new RegistrySerdes(new HttpSchemaRegistryClient(registry.url()))
                .valueSerializer(Topics.JOB_EVENTS));
    // Registers the schema and warms the connection before any timing (a user nobody is).
    producer
        .send(new ProducerRecord<>(Topics.JOB_EVENTS.name(), "bench-warmup", event("x", -1)))
        .get();
    return producer;
  }

  /**
   * Sends events {@code from..to-1} at {@code rate}/s, each to user {@code seq % N}; paced per
   * millisecond without spinning (this machine has 2 cores). Returns the achieved rate.
   */
  private long produce(
      KafkaProducer<String, JobEvent> producer,
      BenchClients clients,
      long[] sendNanos,
      long from,
      long to,
      int rate) {
    String[] users = new String[connections];
    for (int i = 0; i < connections; i++) {
      users[i] = clients.users[i].userId;
    }
    String topic = Topics.JOB_EVENTS.name();
    return Pacer.run(
        from,
        to,
        rate,
        seq -> {
          String user = users[(int) (seq % connections)];
          JobEvent e = event(user, seq);
          sendNanos[(int) seq] = System.nanoTime();
          producer.send(new ProducerRecord<>(topic, user, e));
        });
  }

  private static boolean awaitReceived(BenchClients clients, long total, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (clients.received.get() - clients.duplicates.get() >= total) {
        return true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return false;
  }

  private static JobEvent event(String user, long seq) {
    return JobEvent.newBuilder()
        .setEventId("e-" + seq)
        .setJobId("job-" + user)
        .setUserId(user)
        .setSeq(seq)
        .setOccurredAt(Instant.now())
        .setProducer("bench")
        .setPayload(new JobProgress(50, "working"))
        .build();
  }

  private void report(
      String mode,
      int rate,
      Histogram h,
      BenchClients clients,
      long expected,
      ServerStats idle,
      ServerStats connected,
      ServerStats after,
      String load,
      String note) {
    long unique = clients.received.get() - clients.duplicates.get();
    String memory =
        connected == null
            ? ""
            : String.format(
                Locale.ROOT,
                " | server heap after GC %d MB (idle %d MB) = %.1f KB/conn, RSS %d MB (idle %d MB)"
                    + " = %.1f KB/conn",
                connected.heap >> 20,
                idle.heap >> 20,
                (connected.heap - idle.heap) / 1024.0 / connections,
                connected.rss >> 20,
                idle.rss >> 20,
                (connected.rss - idle.rss) / 1024.0 / connections);
    String afterRun =
        after == null
            ? ""
            : String.format(
                Locale.ROOT,
                " | after run heap %d MB RSS %d MB",
                after.heap >> 20,
                after.rss >> 20);
    System.out.printf(
        Locale.ROOT,
        "RESULT mode=%s connections=%d held=%d rate=%d/s measured=%d events | latency ms p50=%.2f"
            + " p99=%.2f p999=%.2f max=%.2f | received %d/%d expected, lost %d, duplicates %d,"
            + " gaps %d, not-resumed %d%s%s | load %s | server %s | %s%n",
        mode,
        connections,
        clients.open(),
        rate,
        h.getTotalCount(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0,
        unique,
        expected,
        Math.max(0, expected - unique),
        clients.duplicates.get(),
        clients.gaps.get(),
        clients.notResumed.get(),
        memory,
        afterRun,
        load,
        serverJvm,
        note);
  }

  /**
   * The gateway's own view (its {@code delivery_latency} histogram: event {@code occurredAt}, set
   * by the producer, to frame offered to the session's buffer; millisecond resolution, includes the
   * warm-up): tells Kafka + dispatch apart from the socket write and the client.
   */
  private void printServerLatency() {
    try {
      var http = java.net.http.HttpClient.newHttpClient();
      var response =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      StringBuilder out = new StringBuilder("SERVER delivery_latency (occurredAt→offer) buckets:");
      for (String line : response.body().split("\n")) {
        if (line.startsWith("delivery_latency_seconds_bucket")
            && (line.contains("le=\"0.001\"")
                || line.contains("le=\"0.002\"")
                || line.contains("le=\"0.005\"")
                || line.contains("le=\"0.01\"")
                || line.contains("le=\"0.02\"")
                || line.contains("le=\"0.03\"")
                || line.contains("le=\"0.05\"")
                || line.contains("le=\"0.1\"")
                || line.contains("le=\"+Inf\""))) {
          out.append(' ').append(line.substring(line.indexOf("le=")));
        }
      }
      System.out.println(out);
    } catch (Exception e) {
      System.out.println("SERVER latency not available: " + e);
    }
  }

  private void shutdown() {
    try {
      if (server != null) {
        server.stop();
      }
    } catch (Exception e) {
      // best effort
    }
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.destroy();
    }
  }

  static long selfCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      String name = a.substring(2);
      boolean takesJvmOrServerArgs = name.equals("server-args") || name.equals("server-jvm");
      if (i + 1 < args.length && (takesJvmOrServerArgs || !args[i + 1].startsWith("--"))) {
        out.put(name, args[++i]);
      } else {
        out.put(name, "true");
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ server process

  record ServerStats(long heap, long rss) {}

  /** The gateway JVM, controlled through its stdin/stdout (see {@link GatewayBenchServer}). */
  static final class ServerProcess {
    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> control = new LinkedBlockingQueue<>();

    private ServerProcess(Process process) {
      this.process = process;
      this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static ServerProcess start(List<String> command, Path log) throws Exception {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      ServerProcess s = new ServerProcess(p);
      Thread pump =
          new Thread(
              () -> {
                try (BufferedReader r =
                        new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter out =
                        new PrintWriter(
                            Files.newBufferedWriter(
                                log,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    if (line.startsWith("BENCH-")) {
                      s.control.add(line);
                    }
                    out.println(line);
                    out.flush();
                  }
                } catch (IOException e) {
                  // process gone
                }
              },
              "gateway-output");
      pump.setDaemon(true);
      pump.start();
      String ready = s.control.poll(120, TimeUnit.SECONDS);
      if (ready == null || !ready.startsWith("BENCH-READY")) {
        p.destroyForcibly();
        throw new IllegalStateException("gateway did not start; see " + log);
      }
      System.out.println("gateway JVM pid " + p.pid() + " ready (log " + log + ")");
      return s;
    }

    long cpuNanos() {
      return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    ServerStats stats() throws Exception {
      stdin.write("stats\n");
      stdin.flush();
      String line = control.poll(60, TimeUnit.SECONDS);
      if (line == null || !line.startsWith("BENCH-STATS")) {
        throw new IllegalStateException("no stats from the gateway: " + line);
      }
      return new ServerStats(
          BenchClients.longAfter(line, "heap="), BenchClients.longAfter(line, "rss="));
    }

    /** SIGTERM (graceful shutdown), then waits for the exit. */
    void stop() throws Exception {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
