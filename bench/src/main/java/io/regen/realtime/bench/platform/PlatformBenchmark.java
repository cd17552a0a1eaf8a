package io.regen.realtime.bench.platform;

import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.bench.e2e.BenchClients;
import io.regen.realtime.bench.e2e.Pacer;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The platform as users run it, driven from this separate load-generator process: a worker (Kafka
 * producer, acks=all, idempotent, key = userId, registry Avro) publishes jobs of 64-character model
 * chunks to a running {@code regen up} (or a set of roles), one real WebSocket connection per user
 * receives them. End-to-end latency = producer {@code send} → client receipt, both in this JVM on
 * one clock (HdrHistogram, microseconds); loss, duplicates and order are checked per connection;
 * the platform process's CPU (with a breakdown by {@link CpuGroup}), RSS, threads and file
 * descriptors are sampled from {@code /proc/<pid>}.
 *
 * <p>Scenarios (see bench/RESULTS.md and docs/performance.md): {@code S1} 1,000 connections × 2,000
 * events/s; {@code S2} 10,000 × 10,000/s; {@code S3} ramp with 1,000 connections until p99 > 100
 * ms; {@code S4} gateway restart (SIGTERM or SIGKILL, {@code --signal}) of a gateway this benchmark
 * starts with {@code --gateway-cmd}; {@code S5} replay of a 100,000-event job to one client; {@code
 * S6} job-state lookups at 2,000/s ({@code --read state|lean|status}; {@code --forwarded}: only
 * jobs owned by a second streams instance, {@code --owner-instance} its node id, {@code
 * --owner-pid} its process, {@code --streams-application-id}, so every lookup on {@code up} is
 * forwarded, see {@link StreamsAssignment}); {@code S7} soak, 1,000 × 500/s for 30 minutes ({@code
 * --seconds} shortens it).
 *
 * <p>Usage: {@code bench/scripts/platform-bench.sh S1 [--seconds 30] ...}; options: {@code --http}
 * (default http://localhost:8080), {@code --kafka} (localhost:9092), {@code --registry}
 * (http://localhost:8081), {@code --pid} (the platform process; its CPU is not sampled without),
 * {@code --jwt-secret} (else env JWT_SECRET), {@code --connections}, {@code --rate}, {@code
 * --seconds}, {@code --warmup}, {@code --job-length} (events per job, default 100), {@code
 * --connect-only} (S1, S2, S7: connect every client, report the connect time and the CPU of the
 * connect burst, stop), {@code --connect-parallel} (handshakes in flight, default 200), {@code
 * --json} (output file), {@code --management URL} (the platform's management base URL: the
 * gateway's send → offered buckets next to send → ack and send → receipt), {@code --jmx host:port}
 * (the platform's JMX port: Kafka request rates by API and client over the measured window, see
 * {@link KafkaRequestRates}); S5: {@code --events} (job length, default 100,000), {@code --replays}
 * (replays of the job one after the other, each on a new connection, default 3: the first on cold
 * code, the later ones warm), each with the CPU of both processes by thread.
 */
public final class PlatformBenchmark {
  private final Options o;
  private final String scenario;
  private final String userPrefix;
  private final Map<String, Object> json = new LinkedHashMap<>();
  private final ProcessSampler sampler;

  /** S6 {@code --forwarded}: the second streams instance, the owner of the jobs looked up. */
  private final ProcessSampler ownerSampler;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final JwtIssuer issuer;
  private final KafkaRequestRates jmx;
  private final ServerLatencyBuckets serverLatency;

  /** Worker send → broker acknowledgement (acks=all) of every event, for the decomposition. */
  private final Recorder ackRecorder = new Recorder(3);

  PlatformBenchmark(String scenario, Options o) {
    this.scenario = scenario;
    this.o = o;
    this.userPrefix = "u" + Long.toString(System.currentTimeMillis() % 10_000_000L, 36) + "-";
    long pid = o.longOpt("pid", -1);
    this.sampler = pid > 0 ? new ProcessSampler(pid) : null;
    long ownerPid = o.longOpt("owner-pid", -1);
    this.ownerSampler = ownerPid > 0 ? new ProcessSampler(ownerPid) : null;
    String secret = o.get("jwt-secret", System.getenv("JWT_SECRET"));
    if (secret == null) {
      throw new IllegalArgumentException("--jwt-secret or JWT_SECRET is required");
    }
    this.issuer = new JwtIssuer(JwtSettings.hs256(secret));
    try {
      this.jmx = o.has("jmx") ? new KafkaRequestRates(o.get("jmx", null)) : null;
    } catch (IOException e) {
      throw new IllegalArgumentException("--jmx " + o.get("jmx", null) + ": " + e, e);
    }
    this.serverLatency =
        o.has("management") ? new ServerLatencyBuckets(o.get("management", null)) : null;
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    if (args.length == 0 || !args[0].matches("S[1-7]")) {
      System.err.println("usage: PlatformBenchmark S1..S7 [--option value ...]");
      System.exit(2);
    }
    GeneratorGcPauses.install();
    PlatformBenchmark b = new PlatformBenchmark(args[0], Options.parse(args, 1));
    int code = 0;
    try {
      b.run();
    } catch (Exception e) {
      e.printStackTrace();
      b.json.put("error", String.valueOf(e));
      code = 1;
    }
    b.writeJson();
    System.exit(code);
  }

  void run() throws Exception {
    json.put("scenario", scenario);
    json.put("startedAt", Instant.now().toString());
    json.put("loadAverageAtStart", loadAverage());
    json.put("java", System.getProperty("java.version"));
    Map<String, Object> box = BoxCalibration.measure();
    json.put("box", box);
    System.out.println(
        scenario
            + " load average at start: "
            + loadAverage()
            + "; box: "
            + box.get("computeNsPerStep")
            + " ns per compute step, "
            + box.get("loopbackRoundTripUs")
            + " µs per loopback round trip");
    switch (scenario) {
      case "S1" -> fixedRate(1000, 2000, 30);
      case "S2" -> fixedRate(10_000, 10_000, 30);
      case "S3" -> ramp();
      case "S4" -> restart();
      case "S5" -> replay();
      case "S6" -> lookups();
      case "S7" -> fixedRate(1000, 500, 1800);
      default -> throw new IllegalArgumentException(scenario);
    }
  }

  // ---------------------------------------------------------------- S1, S2, S7: fixed rate

  private void fixedRate(int defaultConnections, int defaultRate, int defaultSeconds)
      throws Exception {
    int connections = o.intOpt("connections", defaultConnections);
    int rate = o.intOpt("rate", defaultRate);
    int seconds = o.intOpt("seconds", defaultSeconds);
    int warmup = o.intOpt("warmup", 5);
    long total = (long) rate * (warmup + seconds);
    JobWorkload workload = new JobWorkload(userPrefix, connections, o.intOpt("job-length", 100));
    long[] sendNanos = new long[Math.toIntExact(total)];
    Recorder recorder = new Recorder(3);
    try (BenchClients clients = clients(connections, sendNanos, recorder);
        KafkaProducer<String, JobEvent> producer = producer(false)) {
      ProcessSampler.Sample idle = sample();
      long selfIdle = selfCpuNanos();
      long connectStart = System.nanoTime();
      clients.connectAll(o.intOpt("connect-parallel", 200), Duration.ofMinutes(3));
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      json.put("connectSeconds", connectSeconds);
      json.put(
          "connectStartedAt", Instant.now().minusNanos((long) (connectSeconds * 1e9)).toString());
      ProcessSampler.Sample connected = sample();
      // Where the connect burst's CPU went, platform (by thread group) and generator.
      json.put("connect", cpu(idle, connected, selfIdle, selfCpuNanos()));
      if (o.has("connect-only")) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("connections", connections);
        r.put("loadAverage", loadAverage());
        r.put("connectSeconds", connectSeconds);
        r.putAll(cpu(idle, connected, selfIdle, selfCpuNanos()));
        json.put("result", r);
        List<Map<String, Object>> rows = new ArrayList<>(List.of(r));
        clients.close();
        rows.addAll(reconnectRounds(connections, sendNanos, recorder));
        json.put("rounds", rows);
        printTable(rows);
        return;
      }
      SoakWatch watch = new SoakWatch(clients, connections);
      clients.measureFrom = (long) rate * warmup;
      Thread producing =
          startThread(
              "bench-producer", () -> produce(producer, workload, sendNanos, 0, total, rate));
      waitUntilSent(sendNanos, clients.measureFrom);
      recorder.reset();
      ackRecorder.reset();
      String load = loadAverage();
      ProcessSampler.Sample from = sample();
      long selfFrom = selfCpuNanos();
      Map<String, Double> kafkaFrom = kafkaSnapshot();
      Map<Double, Double> serverFrom = serverLatencySnapshot();
      long windowFrom = System.nanoTime();
      watch.start();
      producing.join();
      boolean complete = awaitReceived(clients, total, Duration.ofSeconds(30));
      ProcessSampler.Sample to = sample();
      long selfTo = selfCpuNanos();
      Map<String, Double> kafkaTo = kafkaSnapshot();
      Map<Double, Double> serverTo = serverLatencySnapshot();
      Histogram acks = ackRecorder.getIntervalHistogram();
      watch.stop();
      Histogram h = recorder.getIntervalHistogram();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("connections", connections);
      r.put("rate", rate);
      r.put("seconds", seconds);
      r.put("loadAverage", load);
      r.put("connectSeconds", connectSeconds);
      r.put("complete", complete);
      r.putAll(delivery(clients, total, connections, h));
      r.put("ackP50Ms", acks.getValueAtPercentile(50) / 1000.0);
      r.put("ackP99Ms", acks.getValueAtPercentile(99) / 1000.0);
      if (serverFrom != null && serverTo != null) {
        // Upper bounds from the gateway's buckets (1, 2, 5, 10, 20, 30, 50, 100 ms, ...).
        r.put("offeredP50MsAtMost", ServerLatencyBuckets.percentileMs(serverFrom, serverTo, 50));
        r.put("offeredP99MsAtMost", ServerLatencyBuckets.percentileMs(serverFrom, serverTo, 99));
      }
      r.putAll(cpu(from, to, selfFrom, selfTo));
      r.put("rssIdleMb", idle == null ? null : idle.rssBytes() >> 20);
      r.put("rssConnectedMb", connected == null ? null : connected.rssBytes() >> 20);
      r.putAll(watch.summary());
      if (kafkaFrom != null && kafkaTo != null) {
        r.put(
            "kafkaRequestRates",
            KafkaRequestRates.rates(kafkaFrom, kafkaTo, (System.nanoTime() - windowFrom) / 1e9));
      }
      json.put("result", r);
      printTable(List.of(r));
    }
  }

  /**
   * {@code --connect-rounds N} (with {@code --connect-only}): N − 1 more rounds of the same users
   * connecting on the same platform, each after the previous round's clients closed, so a cold
   * platform's first burst can be told apart from a warm one's.
   */
  private List<Map<String, Object>> reconnectRounds(
      int connections, long[] sendNanos, Recorder recorder) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int round = 2; round <= o.intOpt("connect-rounds", 1); round++) {
      awaitGatewaySessions(0, Duration.ofSeconds(60));
      try (BenchClients again = clients(connections, sendNanos, recorder)) {
        ProcessSampler.Sample from = sample();
        long selfFrom = selfCpuNanos();
        String startedAt = Instant.now().toString(); // to cut a profile to this round
        long start = System.nanoTime();
        again.connectAll(o.intOpt("connect-parallel", 200), Duration.ofMinutes(3));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("round", round);
        r.put("startedAt", startedAt);
        r.put("connections", connections);
        r.put("loadAverage", loadAverage());
        r.put("connectSeconds", (System.nanoTime() - start) / 1e9);
        r.putAll(cpu(from, sample(), selfFrom, selfCpuNanos()));
        rows.add(r);
      }
    }
    return rows;
  }

  /** Waits until the platform's gateway holds {@code sessions} open sockets (its metrics). */
  private void awaitGatewaySessions(long sessions, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    Double last = null;
    while (System.nanoTime() < deadline) {
      last = gatewaySessions();
      if (last != null && last == sessions) {
        return;
      }
      Thread.sleep(200);
    }
    System.err.println("gateway sessions still " + last + " after " + max);
  }

  private Double gatewaySessions() {
    if (!o.has("management")) {
      return null;
    }
    try {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(o.get("management", null) + "/actuator/prometheus"))
              .timeout(Duration.ofSeconds(5))
              .build();
      for (String line : http.send(req, HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
        if (line.startsWith("active_socket_connections ")
            || line.startsWith("active_socket_connections{")) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    } catch (Exception e) {
      System.err.println("reading the gateway's sessions failed: " + e);
    }
    return null;
  }

  /** The gateway's latency buckets ({@code --management URL}), or null without. */
  private Map<Double, Double> serverLatencySnapshot() {
    if (serverLatency == null) {
      return null;
    }
    try {
      return serverLatency.read();
    } catch (Exception e) {
      System.err.println("reading the gateway's latency histogram failed: " + e);
      return null;
    }
  }

  /** The Kafka request counters of the platform ({@code --jmx host:port}), or null without. */
  private Map<String, Double> kafkaSnapshot() {
    if (jmx == null) {
      return null;
    }
    try {
      return jmx.snapshot();
    } catch (Exception e) {
      System.err.println("JMX snapshot failed: " + e);
      return null;
    }
  }

  // ---------------------------------------------------------------- S3: ramp

  private void ramp() throws Exception {
    int connections = o.intOpt("connections", 1000);
    int fromRate = o.intOpt("ramp-from", 10_000);
    int step = o.intOpt("ramp-step", 10_000);
    int toRate = o.intOpt("ramp-to", 50_000);
    int seconds = o.intOpt("seconds", 10);
    int warmup = o.intOpt("warmup", 2);
    long maxTotal = 0;
    for (int r = fromRate; r <= toRate; r += step) {
      maxTotal += (long) r * (seconds + warmup);
    }
    JobWorkload workload = new JobWorkload(userPrefix, connections, o.intOpt("job-length", 100));
    long[] sendNanos = new long[Math.toIntExact(maxTotal)];
    Recorder recorder = new Recorder(3);
    List<Map<String, Object>> steps = new ArrayList<>();
    json.put("steps", steps);
    int lastUnder = 0;
    try (BenchClients clients = clients(connections, sendNanos, recorder);
        KafkaProducer<String, JobEvent> producer = producer(true)) {
      clients.connectAll(200, Duration.ofMinutes(3));
      long seq = 0;
      for (int rate = fromRate; rate <= toRate; rate += step) {
        long end = seq + (long) rate * (warmup + seconds);
        clients.measureFrom = seq + (long) rate * warmup;
        long begin = seq;
        int stepRate = rate;
        AtomicLong achieved = new AtomicLong();
        Thread producing =
            startThread(
                "bench-producer",
                () -> achieved.set(produce(producer, workload, sendNanos, begin, end, stepRate)));
        waitUntilSent(sendNanos, clients.measureFrom);
        recorder.reset();
        String load = loadAverage();
        ProcessSampler.Sample a = sample();
        long selfA = selfCpuNanos();
        producing.join();
        boolean complete = awaitReceived(clients, end, Duration.ofSeconds(30));
        ProcessSampler.Sample b = sample();
        long selfB = selfCpuNanos();
        Histogram h = recorder.getIntervalHistogram();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("connections", connections);
        r.put("rate", rate);
        r.put("producerAchieved", achieved.get());
        r.put("loadAverage", load);
        r.put("complete", complete);
        r.putAll(delivery(clients, end, connections, h));
        r.putAll(cpu(a, b, selfA, selfB));
        steps.add(r);
        seq = end;
        double p99 = h.getValueAtPercentile(99) / 1000.0;
        if (!complete || p99 > 100 || achieved.get() < rate * 0.95) {
          break;
        }
        lastUnder = rate;
      }
      json.put("highestRateUnder100ms", lastUnder);
      printTable(steps);
      System.out.println("S3 highest rate with p99 <= 100 ms: " + lastUnder + " events/s");
    }
  }

  // ---------------------------------------------------------------- S4: gateway restart

  private void restart() throws Exception {
    String command = o.get("gateway-cmd", null);
    if (command == null) {
      throw new IllegalArgumentException(
          "S4 needs --gateway-cmd '<command starting regen gateway>'");
    }
    boolean kill = o.get("signal", "TERM").equalsIgnoreCase("KILL");
    int connections = o.intOpt("connections", 1000);
    int rate = o.intOpt("rate", 2000);
    // Long enough that events still flow when a slow restart (tens of seconds on a loaded box)
    // ends.
    int seconds = o.intOpt("seconds", 90);
    int warmup = o.intOpt("warmup", 5);
    long total = (long) rate * (warmup + seconds);
    JobWorkload workload = new JobWorkload(userPrefix, connections, o.intOpt("job-length", 100));
    long[] sendNanos = new long[Math.toIntExact(total)];
    Recorder recorder = new Recorder(3);
    GatewayProcess gateway = GatewayProcess.start(command, Path.of("target", "s4-gateway-1.log"));
    awaitHealthy(Duration.ofMinutes(2));
    try (BenchClients clients = clients(connections, sendNanos, recorder);
        KafkaProducer<String, JobEvent> producer = producer(false)) {
      clients.connectAll(200, Duration.ofMinutes(3));
      clients.reconnect = true;
      clients.measureFrom = (long) rate * warmup;
      long restartAt = (long) rate * (warmup + Math.min(10, seconds / 3));
      Thread producing =
          startThread(
              "bench-producer", () -> produce(producer, workload, sendNanos, 0, total, rate));
      waitUntilSent(sendNanos, restartAt);
      long signalled = System.nanoTime();
      gateway.stop(kill);
      long exited = System.nanoTime();
      gateway = GatewayProcess.start(command, Path.of("target", "s4-gateway-2.log"));
      long started = System.nanoTime();
      awaitHealthy(Duration.ofMinutes(2));
      long ready = System.nanoTime();
      // The new JVM's CPU up to ready (its start's cost; on a loaded box that is its start time),
      // then its cores from ready to the end of sending (the first seconds under load after a
      // start, where start flags such as later C2 compilation would show).
      double startCpu = gateway.cpuSeconds();
      // Clients may be welcomed by the new gateway a little before its health says UP: count
      // every welcome since the new process started.
      long allReceiving = awaitAllReceivingAfter(clients, started, Duration.ofMinutes(2));
      producing.join();
      double afterReadyCores =
          (gateway.cpuSeconds() - startCpu) / ((System.nanoTime() - ready) / 1e9);
      boolean complete = awaitReceived(clients, total, Duration.ofSeconds(60));
      Histogram h = recorder.getIntervalHistogram();
      Histogram readyToFirst = new Histogram(3);
      for (BenchClients.User u : clients.users) {
        long firstAt = u.welcomeNanos + u.firstEventAfterWelcomeNanos;
        readyToFirst.recordValue(Math.max(0, (firstAt - ready) / 1000));
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("connections", connections);
      r.put("rate", rate);
      r.put("signal", kill ? "KILL" : "TERM");
      r.put("loadAverage", loadAverage());
      r.put("complete", complete);
      r.put("signalToExitSeconds", (exited - signalled) / 1e9);
      r.put("startToReadySeconds", (ready - started) / 1e9);
      r.put("gatewayStartCpuSeconds", startCpu);
      r.put("gatewayCoresReadyToEndOfSending", afterReadyCores);
      r.put("outageSeconds", (allReceiving - signalled) / 1e9);
      r.put("readyToAllReceivingSeconds", Math.max(0, allReceiving - ready) / 1e9);
      r.put("readyToFirstEventP50Seconds", readyToFirst.getValueAtPercentile(50) / 1e6);
      r.put("readyToFirstEventP99Seconds", readyToFirst.getValueAtPercentile(99) / 1e6);
      r.put("readyToFirstEventMaxSeconds", readyToFirst.getMaxValue() / 1e6);
      r.putAll(delivery(clients, total, connections, h));
      json.put("result", r);
      printTable(List.of(r));
      System.out.printf(
          Locale.ROOT,
          "S4 SIG%s→exit %.2fs, start→ready %.2fs (gateway CPU %.2fs), ready→all receiving %.2fs"
              + " (max per client %.2fs), gateway %.2f cores after ready, lost %s%n",
          kill ? "KILL" : "TERM",
          (exited - signalled) / 1e9,
          (ready - started) / 1e9,
          startCpu,
          Math.max(0, allReceiving - ready) / 1e9,
          readyToFirst.getMaxValue() / 1e6,
          afterReadyCores,
          r.get("lost"));
    } finally {
      gateway.stop(false);
    }
  }

  private long awaitAllReceivingAfter(BenchClients clients, long since, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      long latest = 0;
      boolean all = true;
      for (BenchClients.User u : clients.users) {
        long first = u.firstEventAfterWelcomeNanos;
        if (u.welcomeNanos < since || first == 0) {
          all = false;
          break;
        }
        latest = Math.max(latest, u.welcomeNanos + first);
      }
      if (all) {
        return latest;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    throw new IllegalStateException("not every client received again within " + max);
  }

  // ---------------------------------------------------------------- S5: replay

  private void replay() throws Exception {
    int events = o.intOpt("events", 100_000);
    String user = userPrefix + "replay";
    String jobId = user + "-job";
    try (KafkaProducer<String, JobEvent> producer = producer(true)) {
      JobWorkload one = new JobWorkload(user, 1, events);
      for (int i = 0; i < events; i++) {
        JobEvent e = one.event(i);
        e.setUserId(user);
        e.setJobId(jobId);
        producer.send(new ProducerRecord<>(Topics.JOB_EVENTS.name(), user, e));
      }
      producer.flush();
    }
    String token = issuer.issue(user, List.of(), Duration.ofHours(1));
    // The replay starts at the job's first position, known once the job state has it.
    awaitJobSeq(jobId, token, events - 1, Duration.ofMinutes(3));
    // The first replay runs on cold code (the JIT compiles the replay path while it runs, on
    // both sides); the later ones show the warm path.
    int replays = Math.max(1, o.intOpt("replays", 3));
    WebSocketClient client = new WebSocketClient();
    client.setMaxTextMessageSize(1 << 20);
    client.start();
    try {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 1; i <= replays; i++) {
        rows.add(replayOnce(client, token, jobId, events, i));
      }
      json.put("result", rows.get(0));
      json.put("results", rows);
      printTable(rows);
      for (Map<String, Object> r : rows) {
        System.out.println(
            "  replay "
                + r.get("replay")
                + ": "
                + r.get("eventsPerSecond")
                + " events/s, first frame "
                + r.get("firstFrameSeconds")
                + " s; CPU by group "
                + r.get("platformCoresByGroup")
                + "; busiest threads (cores): platform "
                + r.get("platformBusiestThreads")
                + "; generator "
                + r.get("generatorBusiestThreads"));
      }
    } finally {
      client.stop();
    }
  }

  /** One replay of the whole job on a new connection, with both sides' CPU by thread. */
  private Map<String, Object> replayOnce(
      WebSocketClient client, String token, String jobId, int events, int number) throws Exception {
    ReplayListener listener = new ReplayListener(token, jobId);
    // Which side (reader, writer, client) is the limit: CPU by thread over the replay.
    ProcessSampler generator = new ProcessSampler(ProcessHandle.current().pid());
    String load = loadAverage();
    ProcessSampler.Sample from = sample();
    ProcessSampler.Sample generatorFrom = generator.sample();
    long selfFrom = selfCpuNanos();
    Session session = client.connect(listener, URI.create(wsUrl())).get(30, TimeUnit.SECONDS);
    try {
      if (!listener.done.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("no replay_end after 5 minutes: " + listener.frames);
      }
    } finally {
      session.close();
    }
    ProcessSampler.Sample to = sample();
    ProcessSampler.Sample generatorTo = generator.sample();
    long selfTo = selfCpuNanos();
    double seconds = (listener.endNanos - listener.requestNanos) / 1e9;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("replay", number);
    r.put("events", events);
    r.put("loadAverage", load);
    r.put("replayed", listener.frames.get());
    r.put("outOfOrder", listener.outOfOrder.get());
    r.put("replaySeconds", seconds);
    r.put("eventsPerSecond", Math.round(listener.frames.get() / seconds));
    r.put("firstFrameSeconds", (listener.firstNanos - listener.requestNanos) / 1e9);
    r.putAll(cpu(from, to, selfFrom, selfTo));
    if (from != null && to != null) {
      r.put("platformBusiestThreads", rounded(to.busiestThreadsSince(from, 8)));
    }
    r.put("generatorBusiestThreads", rounded(generatorTo.busiestThreadsSince(generatorFrom, 5)));
    if (listener.frames.get() != events || listener.outOfOrder.get() != 0) {
      throw new IllegalStateException("replay " + number + " incomplete or out of order: " + r);
    }
    return r;
  }

  /** Sends the replay request after the welcome; counts replay frames until replay_end. */
  public static final class ReplayListener implements Session.Listener.AutoDemanding {
    private final String token;
    private final String jobId;
    final AtomicLong frames = new AtomicLong();
    final AtomicLong outOfOrder = new AtomicLong();
    final CountDownLatch done = new CountDownLatch(1);
    volatile long requestNanos;
    volatile long firstNanos;
    volatile long endNanos;
    private long lastSeq = -1;
    private Session session;

    ReplayListener(String token, String jobId) {
      this.token = token;
      this.jobId = jobId;
    }

    @Override
    public void onWebSocketOpen(Session s) {
      session = s;
      s.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\"}", Callback.NOOP);
    }

    @Override
    public void onWebSocketText(String m) {
      long now = System.nanoTime();
      if (m.startsWith("{\"type\":\"welcome\"")) {
        requestNanos = System.nanoTime();
        session.sendText(
            "{\"type\":\"replay\",\"id\":\"r1\",\"jobId\":\"" + jobId + "\",\"fromSeq\":0}",
            Callback.NOOP);
      } else if (m.contains("\"replay\":\"r1\"") && m.startsWith("{\"type\":\"event\"")) {
        if (frames.getAndIncrement() == 0) {
          firstNanos = now;
        }
        long seq = BenchClients.longAfter(m, "\"seq\":");
        if (seq <= lastSeq) {
          outOfOrder.incrementAndGet();
        }
        lastSeq = seq;
      } else if (m.startsWith("{\"type\":\"replay_end\"")) {
        endNanos = now;
        done.countDown();
      } else if (m.startsWith("{\"type\":\"error\"")) {
        System.err.println("replay error: " + m);
        endNanos = now;
        done.countDown();
      }
    }
  }

  private void awaitJobSeq(String jobId, String token, long seq, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> resp;
      try {
        resp = get("/api/job/" + jobId + "/state", token);
      } catch (IOException slow) {
        // A request timeout on a loaded box: ask again until the deadline.
        last = String.valueOf(slow);
        continue;
      }
      last =
          resp.statusCode() + " " + resp.body().substring(0, Math.min(200, resp.body().length()));
      if (resp.statusCode() == 200 && resp.body().contains("\"lastSeq\":" + seq + ",")) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    throw new IllegalStateException("job " + jobId + " never reached seq " + seq + ": " + last);
  }

  // ---------------------------------------------------------------- S6: job-state lookups

  private void lookups() throws Exception {
    int users = o.intOpt("users", 1000);
    int rate = o.intOpt("rate", 2000);
    int seconds = o.intOpt("seconds", 30);
    int warmup = o.intOpt("warmup", 5);
    int jobLength = 10;
    String read = lookupPath(o.get("read", "state"));
    boolean forwarded = o.has("forwarded");
    StreamsAssignment assignment = forwarded ? streamsAssignment() : null;
    Map<String, Set<Integer>> owners = null;
    if (assignment != null) {
      // Both instances in the group with their share before the jobs exist: the second one then
      // has nothing to restore and takes its active tasks at once.
      owners = assignment.awaitBalanced(2, jobEventPartitions(), Duration.ofMinutes(3));
      System.out.println("S6 forwarded: partitions of " + Topics.JOB_EVENTS.name() + " " + owners);
    }
    JobWorkload workload = new JobWorkload(userPrefix, users, jobLength);
    int[] partitionOfUser = publishJobs(workload, users, jobLength);
    String[] tokens = new String[users];
    for (int i = 0; i < users; i++) {
      tokens[i] = issuer.issue(userPrefix + i, List.of(), Duration.ofHours(1));
    }
    // Every job complete before the first lookup: partitions are processed independently, so the
    // last job sent being done says nothing about the others.
    for (int u = 0; u < users; u++) {
      long last = u + (long) (jobLength - 1) * users;
      awaitJobSeq(workload.jobId(last), tokens[u], last, Duration.ofMinutes(3));
    }
    // The users whose jobs S6 looks up: all of them, or (--forwarded) those whose partition the
    // other instance holds, so that every lookup on this instance is forwarded to it.
    int[] looked = lookedUpUsers(users, partitionOfUser, owners);
    Recorder recorder = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Map<Integer, AtomicLong> failedByStatus = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicLong measure = new AtomicLong(Long.MAX_VALUE);
    long total = (long) rate * (warmup + seconds);
    measure.set((long) rate * warmup);
    ProcessSampler.Sample[] window = new ProcessSampler.Sample[2];
    String[] load = {loadAverage()};
    long[] selfFrom = {0};
    AtomicLong outstanding = new AtomicLong();
    // Jetty's client, not the JDK's: the JDK HttpClient saturated near 500 requests/s here (its
    // HTTP/1.1 pool), Jetty's keeps a bounded pool of persistent connections and drives 2,000/s.
    org.eclipse.jetty.client.HttpClient lookupsClient = new org.eclipse.jetty.client.HttpClient();
    lookupsClient.setMaxConnectionsPerDestination(o.intOpt("http-connections", 64));
    lookupsClient.setMaxRequestsQueuedPerDestination(1 << 20);
    lookupsClient.start();
    String base = o.get("http", "http://localhost:8080");
    // The pacer's own start: lookup i is sent, and its latency counted, from start + i / rate.
    // (Until session 11 the latencies counted from before the HTTP client started, ~0.15 s more.)
    long start = System.nanoTime();
    try {
      Pacer.run(
          0,
          total,
          rate,
          start,
          i -> {
            if (i == measure.get()) {
              recorder.reset();
              load[0] = loadAverage();
              window[0] = sampleQuietly();
              window[1] = quietly(ownerSampler);
              selfFrom[0] = selfCpuNanos();
            }
            int u = looked[(int) (i % looked.length)];
            long intended = start + i * 1_000_000_000L / rate;
            boolean measured = i >= measure.get();
            outstanding.incrementAndGet();
            lookupsClient
                .newRequest(base + "/api/job/" + userPrefix + u + "-job-0/" + read)
                .timeout(10, TimeUnit.SECONDS)
                .headers(h -> h.put("Authorization", "Bearer " + tokens[u]))
                .send(
                    result -> {
                      outstanding.decrementAndGet();
                      int status =
                          result.getResponse() == null ? 0 : result.getResponse().getStatus();
                      if (result.isSucceeded() && status == 200) {
                        ok.incrementAndGet();
                      } else {
                        failedByStatus
                            .computeIfAbsent(status, s -> new AtomicLong())
                            .incrementAndGet();
                        if (failed.getAndIncrement() < 3) {
                          System.err.println(
                              "lookup failed: "
                                  + (result.getFailure() != null ? result.getFailure() : status));
                        }
                      }
                      if (measured) {
                        // From the intended send time: a stalled server is not hidden by the
                        // generator waiting (no coordinated omission).
                        recorder.recordValue(Math.max(0, (System.nanoTime() - intended) / 1000));
                      }
                    });
          });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (outstanding.get() > 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    } finally {
      lookupsClient.stop();
    }
    ProcessSampler.Sample end = sample();
    ProcessSampler.Sample ownerEnd = quietly(ownerSampler);
    Histogram h = recorder.getIntervalHistogram();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("rate", rate);
    r.put("seconds", seconds);
    r.put("read", read);
    r.put("forwarded", forwarded);
    r.put("usersLookedUp", looked.length);
    r.put("loadAverage", load[0]);
    r.put("ok", ok.get());
    r.put("failed", failed.get());
    r.put("failedByStatus", new TreeMap<>(failedByStatus));
    r.put("measured", h.getTotalCount());
    r.putAll(latency(h));
    r.putAll(cpu(window[0], end, selfFrom[0], selfCpuNanos()));
    r.putAll(processCpu("owner", window[1], ownerEnd));
    if (assignment != null) {
      try (assignment) {
        // The owners must not have moved during the window, else not every lookup was forwarded.
        Map<String, Set<Integer>> after =
            assignment.awaitBalanced(2, jobEventPartitions(), Duration.ofSeconds(30));
        r.put("partitionsByInstance", owners);
        r.put("assignmentUnchanged", after.equals(owners));
      }
    }
    json.put("result", r);
    printTable(List.of(r));
    if (forwarded && !Boolean.TRUE.equals(r.get("assignmentUnchanged"))) {
      throw new IllegalStateException("the Streams assignment changed during the window: " + r);
    }
  }

  /** S6: one job per user; returns each user's partition, from the producer's acknowledgements. */
  private int[] publishJobs(JobWorkload workload, int users, int jobLength) throws Exception {
    int[] partitionOfUser = new int[users];
    try (KafkaProducer<String, JobEvent> producer = producer(true)) {
      List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> first =
          new ArrayList<>();
      for (long seq = 0; seq < (long) users * jobLength; seq++) {
        var sent =
            producer.send(
                new ProducerRecord<>(
                    Topics.JOB_EVENTS.name(), workload.user(seq), workload.event(seq)));
        if (seq < users) {
          first.add(sent);
        }
      }
      producer.flush();
      for (int u = 0; u < users; u++) {
        partitionOfUser[u] = first.get(u).get().partition();
      }
    }
    return partitionOfUser;
  }

  /** {@code --forwarded}: the Streams group of {@code up} and the second instance. */
  private StreamsAssignment streamsAssignment() {
    if (!o.has("owner-instance")) {
      throw new IllegalArgumentException(
          "--forwarded needs --owner-instance (the REGEN_NODE_ID of the second streams instance)");
    }
    // regen.streams.application-id's default (StreamsSettings.DEFAULT_APPLICATION_ID).
    return new StreamsAssignment(
        o.get("kafka", "localhost:9092"),
        o.get("streams-application-id", "regen-streams-v2"),
        Topics.JOB_EVENTS.name());
  }

  private int jobEventPartitions() {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.get("kafka", "localhost:9092")))) {
      return admin
          .describeTopics(List.of(Topics.JOB_EVENTS.name()))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(Topics.JOB_EVENTS.name())
          .partitions()
          .size();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the partitions of " + Topics.JOB_EVENTS, e);
    }
  }

  /**
   * Every user, or with {@code owners} (forwarded) only the users whose partition the instance
   * {@code --owner-instance} holds.
   */
  private int[] lookedUpUsers(int users, int[] partitionOfUser, Map<String, Set<Integer>> owners) {
    if (owners == null) {
      return java.util.stream.IntStream.range(0, users).toArray();
    }
    String other = o.get("owner-instance", null);
    // The platform's group.instance.id may carry a prefix (the application id) before the node id.
    List<String> matching =
        owners.keySet().stream().filter(k -> k.equals(other) || k.endsWith("-" + other)).toList();
    if (matching.size() != 1) {
      throw new IllegalStateException(
          "not exactly one member of the Streams group is instance "
              + other
              + ": "
              + owners.keySet());
    }
    Set<Integer> theirs = owners.get(matching.get(0));
    int[] looked =
        java.util.stream.IntStream.range(0, users)
            .filter(u -> theirs.contains(partitionOfUser[u]))
            .toArray();
    if (looked.length == 0) {
      throw new IllegalStateException("no user's jobs live in " + other + "'s partitions");
    }
    return looked;
  }

  /**
   * The lookup S6 drives ({@code --read}): {@code state} the whole state with the response text (a
   * get and a range over its chunks), {@code lean} the state without the text, {@code status} the
   * compact form (both a single get).
   */
  private static String lookupPath(String read) {
    return switch (read) {
      case "state" -> "state";
      case "lean" -> "state?withResponse=false";
      case "status" -> "status";
      default ->
          throw new IllegalArgumentException("--read must be state, lean or status, got " + read);
    };
  }

  // ---------------------------------------------------------------- parts

  private BenchClients clients(int connections, long[] sendNanos, Recorder recorder)
      throws Exception {
    String[] tokens = new String[connections];
    for (int i = 0; i < connections; i++) {
      tokens[i] = issuer.issue(userPrefix + i, List.of(), Duration.ofHours(12));
    }
    return new BenchClients(
        URI.create(wsUrl()), userPrefix, connections, tokens, sendNanos, recorder);
  }

  private String wsUrl() {
    return o.get("http", "http://localhost:8080").replaceFirst("^http", "ws") + "/ws";
  }

  private KafkaProducer<String, JobEvent> producer(boolean batching) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.get("kafka", "localhost:9092"));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, batching || o.has("batching") ? 1 : 0);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, batching || o.has("batching") ? 65536 : 16384);
    return new KafkaProducer<>(
        p,
        new StringSerializer(),
        new RegistrySerdes(new HttpSchemaRegistryClient(o.get("registry", "http://localhost:8081")))
            .valueSerializer(Topics.JOB_EVENTS));
  }

  private long produce(
      KafkaProducer<String, JobEvent> producer,
      JobWorkload workload,
      long[] sendNanos,
      long from,
      long to,
      int rate) {
    String topic = Topics.JOB_EVENTS.name();
    return Pacer.run(
        from,
        to,
        rate,
        seq -> {
          JobEvent e = workload.event(seq);
          long sent = System.nanoTime();
          sendNanos[(int) seq] = sent;
          producer.send(
              new ProducerRecord<>(topic, e.getUserId(), e),
              (metadata, error) -> {
                if (error == null) {
                  ackRecorder.recordValue((System.nanoTime() - sent) / 1000);
                }
              });
        });
  }

  private static void waitUntilSent(long[] sendNanos, long seq) {
    int i = (int) Math.min(seq, sendNanos.length - 1);
    while (sendNanos[i] == 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
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

  private void awaitHealthy(Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (get("/actuator/health", null).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new IllegalStateException("not healthy within " + max);
  }

  private HttpRequest request(String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(o.get("http", "http://localhost:8080") + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return http.send(request(path, token), HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, Object> delivery(
      BenchClients clients, long expected, int connections, Histogram h) {
    Map<String, Object> r = new LinkedHashMap<>();
    long unique = clients.received.get() - clients.duplicates.get();
    int short_ = 0;
    for (BenchClients.User u : clients.users) {
      int index = Integer.parseInt(u.userId.substring(userPrefix.length()));
      long want = expected / connections + (index < expected % connections ? 1 : 0);
      if (u.events < want) {
        short_++;
      }
    }
    r.put("expected", expected);
    r.put("received", unique);
    r.put("lost", Math.max(0, expected - unique));
    r.put("duplicates", clients.duplicates.get());
    r.put("outOfOrderGaps", clients.gaps.get());
    r.put("connectionsMissingEvents", short_);
    r.put("notResumed", clients.notResumed.get());
    r.putAll(latency(h));
    return r;
  }

  private static Map<String, Object> latency(Histogram h) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("measured", h.getTotalCount());
    r.put("p50Ms", h.getValueAtPercentile(50) / 1000.0);
    r.put("p99Ms", h.getValueAtPercentile(99) / 1000.0);
    r.put("p999Ms", h.getValueAtPercentile(99.9) / 1000.0);
    r.put("maxMs", h.getMaxValue() / 1000.0);
    return r;
  }

  private Map<String, Object> cpu(
      ProcessSampler.Sample from, ProcessSampler.Sample to, long selfFrom, long selfTo) {
    Map<String, Object> r = processCpu("platform", from, to);
    if (from != null && to != null) {
      r.put(
          "generatorCores",
          round((selfTo - selfFrom) / (double) (to.nanoTime() - from.nanoTime())));
      r.putAll(GeneratorGcPauses.between(from.nanoTime(), to.nanoTime()));
    }
    return r;
  }

  /** A sampled process's cores (by thread group), RSS, threads and fds, keys prefixed. */
  private static Map<String, Object> processCpu(
      String prefix, ProcessSampler.Sample from, ProcessSampler.Sample to) {
    Map<String, Object> r = new LinkedHashMap<>();
    if (from != null && to != null) {
      r.put(prefix + "Cores", round(to.totalCoresSince(from)));
      Map<String, Object> groups = new LinkedHashMap<>();
      to.coresSince(from)
          .forEach((g, v) -> groups.put(g.name().toLowerCase(Locale.ROOT), round(v)));
      r.put(prefix + "CoresByGroup", groups);
      r.put(prefix + "RssMb", to.rssBytes() >> 20);
      r.put(prefix + "Threads", to.threads());
      r.put(prefix + "Fds", to.fds());
    }
    return r;
  }

  private static Map<String, Double> rounded(Map<String, Double> cores) {
    Map<String, Double> out = new LinkedHashMap<>();
    cores.forEach((k, v) -> out.put(k, round(v)));
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private ProcessSampler.Sample sample() throws IOException {
    return sampler == null ? null : sampler.sample();
  }

  private ProcessSampler.Sample sampleQuietly() {
    return quietly(sampler);
  }

  private static ProcessSampler.Sample quietly(ProcessSampler of) {
    try {
      return of == null ? null : of.sample();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * S7: samples connected clients, RSS, threads and fds every second while the run lasts, so the
   * report can tell connected time and whether memory, threads or descriptors grow.
   */
  private final class SoakWatch {
    private final BenchClients clients;
    private final int connections;
    private final List<long[]> points = new ArrayList<>();
    private volatile boolean running;
    private Thread thread;
    private long openSamples;
    private long samples;

    SoakWatch(BenchClients clients, int connections) {
      this.clients = clients;
      this.connections = connections;
    }

    void start() {
      running = true;
      thread =
          startThread(
              "bench-soak-watch",
              () -> {
                while (running) {
                  openSamples += clients.open();
                  samples++;
                  ProcessSampler.Sample s = sampleQuietly();
                  if (s != null) {
                    points.add(new long[] {s.rssBytes() >> 20, s.threads(), s.fds()});
                  }
                  LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                }
              });
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    Map<String, Object> summary() {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put(
          "connectedTimePercent",
          samples == 0 ? null : round(100.0 * openSamples / samples / connections));
      if (!points.isEmpty()) {
        int tenth = Math.max(1, points.size() / 10);
        r.put("rssFirstTenthMaxMb", maxOf(points.subList(0, tenth), 0));
        r.put("rssLastTenthMaxMb", maxOf(points.subList(points.size() - tenth, points.size()), 0));
        r.put("rssMaxMb", maxOf(points, 0));
        r.put("threadsFirst", points.get(0)[1]);
        r.put("threadsLast", points.get(points.size() - 1)[1]);
        r.put("fdsFirst", points.get(0)[2]);
        r.put("fdsLast", points.get(points.size() - 1)[2]);
      }
      return r;
    }

    private long maxOf(List<long[]> list, int index) {
      return list.stream().mapToLong(p -> p[index]).max().orElse(0);
    }
  }

  private void printTable(List<Map<String, Object>> rows) {
    String[] cols = {
      "connections",
      "rate",
      "loadAverage",
      "p50Ms",
      "p99Ms",
      "p999Ms",
      "maxMs",
      "lost",
      "duplicates",
      "platformCores",
      "platformRssMb",
      "connectSeconds",
      "eventsPerSecond"
    };
    StringBuilder header = new StringBuilder("| " + scenario + " |");
    for (String c : cols) {
      header.append(' ').append(c).append(" |");
    }
    System.out.println(header);
    for (Map<String, Object> row : rows) {
      StringBuilder line = new StringBuilder("| |");
      for (String c : cols) {
        Object v = row.get(c);
        line.append(' ').append(v == null ? "" : v).append(" |");
      }
      System.out.println(line);
      Object groups = row.get("platformCoresByGroup");
      if (groups != null) {
        System.out.println("  CPU by thread group (cores): " + groups);
      }
      if (row.containsKey("generatorGcPauses")) {
        System.out.println(
            "  generator GC ("
                + row.get("generatorGc")
                + "): "
                + row.get("generatorGcPauses")
                + " pauses, "
                + row.get("generatorGcPausedPercent")
                + "% of the window paused, longest "
                + row.get("generatorGcMaxPauseMs")
                + " ms");
      }
      if (row.containsKey("ownerCores")) {
        System.out.println(
            "  owner instance (S6 --forwarded): "
                + row.get("ownerCores")
                + " cores "
                + row.get("ownerCoresByGroup")
                + ", RSS "
                + row.get("ownerRssMb")
                + " MB; failed by status "
                + row.get("failedByStatus"));
      }
      if (row.containsKey("ackP99Ms")) {
        System.out.println(
            "  latency parts: send→ack p50 "
                + row.get("ackP50Ms")
                + " / p99 "
                + row.get("ackP99Ms")
                + " ms; send→gateway offered p50 ≤ "
                + row.get("offeredP50MsAtMost")
                + " / p99 ≤ "
                + row.get("offeredP99MsAtMost")
                + " ms (gateway buckets)");
      }
      Object kafka = row.get("kafkaRequestRates");
      if (kafka != null) {
        System.out.println("  Kafka requests per second (JMX): " + kafka);
      }
    }
    System.out.println("  all figures: " + Json.write(rows.size() == 1 ? rows.get(0) : rows));
  }

  private void writeJson() throws IOException {
    Path out =
        Path.of(
            o.get(
                "json",
                "bench/target/platform-bench-"
                    + scenario
                    + "-"
                    + System.currentTimeMillis()
                    + ".json"));
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, Json.write(json) + "\n");
    System.out.println("JSON written to " + out.toAbsolutePath());
  }

  private static Thread startThread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  static long selfCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** The gateway role started and stopped by S4. */
  static final class GatewayProcess {
    private final Process process;

    private GatewayProcess(Process process) {
      this.process = process;
    }

    static GatewayProcess start(String command, Path log) throws IOException {
      if (log.getParent() != null) {
        Files.createDirectories(log.getParent());
      }
      // exec: the shell becomes the JVM, so the signal reaches the gateway itself.
      Process p =
          new ProcessBuilder("bash", "-c", "exec " + command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      System.out.println("gateway pid " + p.pid() + " (log " + log + ")");
      return new GatewayProcess(p);
    }

    /** CPU time of the gateway's JVM so far (the shell execs it: the process is the JVM). */
    double cpuSeconds() {
      return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
    }

    void stop(boolean kill) throws InterruptedException {
      if (kill) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
