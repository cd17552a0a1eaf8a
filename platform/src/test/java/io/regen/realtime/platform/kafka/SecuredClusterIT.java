package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.platform.testing.BrokerCluster;
import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.platform.testing.WsClient;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.sdk.RegenWorkerClient;
import io.regen.realtime.sdk.RequestLoop;
import io.regen.realtime.streams.JobResponses;
import io.regen.realtime.streams.KafkaDeadLetterSink;
import io.regen.realtime.streams.RegenTopology;
import io.regen.realtime.streams.ResponseChunkKey;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.StreamsConfigFactory;
import io.regen.realtime.streams.StreamsSettings;
import io.regen.realtime.streams.TopologySettings;
import io.regen.realtime.streams.state.JobState;
import io.regen.realtime.streams.state.JobStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Three {@code regen broker} processes with SASL/SCRAM and the StandardAuthorizer (issue 10,
 * "Joining a secured cluster"): every role's credential can do what its role needs and nothing
 * else; a forged job event from the gateway's credential is refused; a wrong password fails at once
 * with an authentication error, not a timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SecuredClusterIT {
  private static final Path LOGS = Path.of("target", "secured-cluster-it");
  private static final Map<String, String> USERS = new LinkedHashMap<>();

  static {
    for (String user :
        List.of(
            BrokerSecurity.BROKER_USER,
            RoleAcls.ADMIN_USER,
            RoleAcls.WORKER_USER,
            RoleAcls.GATEWAY_USER,
            RoleAcls.STREAMS_USER,
            RoleAcls.REGISTRY_USER)) {
      USERS.put(user, user + "-" + UUID.randomUUID().toString().substring(0, 8));
    }
  }

  private Path dataDir;
  private String bootstrap;
  private BrokerCluster cluster;

  @BeforeAll
  void startSecuredCluster() throws Exception {
    dataDir = Files.createTempDirectory("regen-secured-cluster");
    cluster = BrokerCluster.startSecured(dataDir, LOGS, new BrokerSecurity(USERS));
    bootstrap = cluster.bootstrap();
    for (int i = 0; i < BrokerCluster.SIZE; i++) {
      assertThat(cluster.node(i).output()).contains("with ACLs per role");
    }
    try (Admin admin = cluster.admin()) {
      admin
          .createTopics(
              Topics.provisioned().stream()
                  .map(
                      t ->
                          new NewTopic(
                              t.name(), t == Topics.STREAMS_DEAD_LETTERS ? 1 : 3, (short) 3))
                  .toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster == null) {
      return;
    }
    try {
      assertThat(cluster.terminateAll(Duration.ofSeconds(90)))
          .as("exit statuses; see %s", LOGS)
          .containsOnly(0);
    } finally {
      cluster.close();
    }
  }

  /** Client settings of a SASL/SCRAM client logging in as {@code user}. */
  /** {@code user}'s login settings without the bootstrap servers (Streams gets those itself). */
  private Map<String, Object> loginOf(String user) {
    Map<String, Object> login = new HashMap<>();
    client(user)
        .forEach(
            (k, v) -> {
              if (!k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                login.put((String) k, v);
              }
            });
    return login;
  }

  private Properties client(String user) {
    return cluster.client(user);
  }

  private Properties client(String user, String password) {
    Properties p = client(user);
    p.put(
        SaslConfigs.SASL_JAAS_CONFIG,
        new BrokerSecurity(Map.of(BrokerSecurity.BROKER_USER, "unused", user, password))
            .scramJaasConfig(user));
    return p;
  }

  private KafkaProducer<String, String> producer(String user) {
    Properties p = client(user);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static Throwable rootOf(Throwable t) {
    while (t instanceof ExecutionException || (t != null && t.getCause() != null)) {
      if (t.getCause() == null) {
        break;
      }
      t = t.getCause();
    }
    return t;
  }

  @Test
  void eachRoleMayDoWhatItsRoleNeedsAndNothingElse() throws Exception {
    String userId = "alice-" + UUID.randomUUID();
    try (KafkaProducer<String, String> worker = producer(RoleAcls.WORKER_USER);
        KafkaProducer<String, String> gateway = producer(RoleAcls.GATEWAY_USER)) {
      worker.send(new ProducerRecord<>(Topics.JOB_EVENTS.name(), userId, "event")).get();
      gateway.send(new ProducerRecord<>(Topics.JOB_REQUESTS.name(), "job-1", "request")).get();
      gateway.send(new ProducerRecord<>(Topics.GATEWAY_SESSIONS.name(), userId, "session")).get();

      Throwable forged =
          catchThrowable(
              () ->
                  gateway
                      .send(new ProducerRecord<>(Topics.JOB_EVENTS.name(), userId, "forged"))
                      .get(60, TimeUnit.SECONDS));
      assertThat(rootOf(forged))
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining(Topics.JOB_EVENTS.name());
      Throwable workerRequest =
          catchThrowable(
              () ->
                  worker
                      .send(new ProducerRecord<>(Topics.JOB_REQUESTS.name(), "job-2", "request"))
                      .get(60, TimeUnit.SECONDS));
      assertThat(rootOf(workerRequest)).isInstanceOf(TopicAuthorizationException.class);
    }

    // The gateway reads what the worker wrote (manual assignment, as delivery does).
    assertThat(readAll(RoleAcls.GATEWAY_USER, null, Topics.JOB_EVENTS.name()))
        .contains(userId + "=event")
        .doesNotContain(userId + "=forged");
    // Workers read requests in their group.
    assertThat(readAll(RoleAcls.WORKER_USER, "regen-workers-model", Topics.JOB_REQUESTS.name()))
        .contains("job-1=request");
    // Streams may create its own internal topics but not write the workers' topic.
    try (Admin streams = Admin.create(client(RoleAcls.STREAMS_USER))) {
      streams
          .createTopics(
              List.of(
                  new NewTopic(
                      StreamsSettings.DEFAULT_APPLICATION_ID + "-acl-check-changelog",
                      1,
                      (short) 3)))
          .all()
          .get(60, TimeUnit.SECONDS);
      Throwable foreign =
          catchThrowable(
              () ->
                  streams
                      .createTopics(List.of(new NewTopic("not-streams", 1, (short) 3)))
                      .all()
                      .get(60, TimeUnit.SECONDS));
      assertThat(rootOf(foreign)).hasMessageContaining("Authorization failed");
    }
    try (KafkaProducer<String, String> streams = producer(RoleAcls.STREAMS_USER)) {
      Throwable forged =
          catchThrowable(
              () ->
                  streams
                      .send(new ProducerRecord<>(Topics.JOB_EVENTS.name(), userId, "forged"))
                      .get(60, TimeUnit.SECONDS));
      assertThat(rootOf(forged)).isInstanceOf(TopicAuthorizationException.class);
    }
    // The registry owns _schemas and nothing else.
    try (Admin registry = Admin.create(client(RoleAcls.REGISTRY_USER))) {
      // The registry process of another test may have created it; the broker checks the ACL before
      // it answers "exists", so either answer shows the registry may create its topic.
      Throwable created =
          catchThrowable(
              () ->
                  registry
                      .createTopics(List.of(new NewTopic(Topics.SCHEMAS, 1, (short) 3)))
                      .all()
                      .get(60, TimeUnit.SECONDS));
      if (created != null) {
        assertThat(rootOf(created)).isInstanceOf(TopicExistsException.class);
      }
      assertThat(
              registry
                  .describeTopics(List.of(Topics.SCHEMAS))
                  .allTopicNames()
                  .get(60, TimeUnit.SECONDS))
          .containsKey(Topics.SCHEMAS);
      Throwable events =
          catchThrowable(
              () ->
                  registry
                      .describeTopics(List.of(Topics.JOB_EVENTS.name()))
                      .allTopicNames()
                      .get(60, TimeUnit.SECONDS));
      assertThat(rootOf(events)).isInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void aWrongPasswordFailsAtOnceWithAnAuthenticationError() {
    Properties wrong = client(RoleAcls.WORKER_USER, "not-the-password");
    wrong.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
    try (Admin admin = Admin.create(wrong)) {
      // A hang would end in a TimeoutException after the API timeout; authentication fails first.
      Throwable failure =
          catchThrowable(() -> admin.describeCluster().nodes().get(120, TimeUnit.SECONDS));
      assertThat(rootOf(failure))
          .isInstanceOf(SaslAuthenticationException.class)
          .hasMessageContaining("invalid credentials")
          .hasMessageContaining(BrokerSecurity.SCRAM_MECHANISM);
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(wrong, new StringSerializer(), new StringSerializer())) {
      Throwable failure =
          catchThrowable(
              () ->
                  producer
                      .send(new ProducerRecord<>(Topics.JOB_EVENTS.name(), "u", "x"))
                      .get(120, TimeUnit.SECONDS));
      assertThat(rootOf(failure)).isInstanceOf(SaslAuthenticationException.class);
    }
  }

  /**
   * The platform's own Kafka code under its role's credential: a job request written with the
   * gateway's, run by the worker SDK with the worker's (group, dedupe scan, idempotent producer),
   * folded into its job state by the real topology with exactly-once under the streams' (internal
   * topics, transactions) — proving the role ACLs are enough, not just that they refuse. The schema
   * registry is in memory here; over HTTP with auth it is covered in the schema-registry module.
   */
  @Test
  void theWorkerSdkAndTheTopologyRunUnderTheirRoleCredentials() throws Exception {
    SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    RegistrySerdes serdes = new RegistrySerdes(registry);
    String userId = "bob-" + UUID.randomUUID();
    String jobId = "job-" + UUID.randomUUID();
    RegenWorkerClient.Builder builder =
        RegenWorkerClient.builder()
            .bootstrapServers(bootstrap)
            .schemaRegistry(registry)
            .workerId("acl-worker");
    client(RoleAcls.WORKER_USER)
        .forEach(
            (k, v) -> {
              if (!k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                builder.producerProperty((String) k, v).consumerProperty((String) k, v);
              }
            });
    Map<String, Object> streamsSecurity = loginOf(RoleAcls.STREAMS_USER);
    StreamsSettings streamsSettings =
        StreamsSettings.defaults(bootstrap, "acl-probe", dataDir.resolve("streams-state"))
            .withApplicationId(StreamsSettings.DEFAULT_APPLICATION_ID + "-acl-probe")
            .withReplicationFactor((short) 3)
            .withExtra(streamsSecurity);
    try (RegenWorkerClient worker = builder.build();
        RequestLoop loop =
            worker.handleRequests(
                "model",
                context -> {
                  context.job().progress(50, "half way");
                  context.job().modelChunk("acl-model", 0, "hello", true);
                  context.job().complete("done");
                });
        KafkaProducer<String, JobRequest> gateway =
            new KafkaProducer<>(
                client(RoleAcls.GATEWAY_USER),
                new StringSerializer(),
                serdes.valueSerializer(Topics.JOB_REQUESTS));
        KafkaStreams streams =
            new KafkaStreams(
                RegenTopology.build(TopologySettings.defaults(serdes)),
                StreamsConfigFactory.create(streamsSettings))) {
      streams.start();
      gateway
          .send(
              new ProducerRecord<>(
                  Topics.JOB_REQUESTS.name(),
                  jobId,
                  JobRequest.newBuilder()
                      .setJobId(jobId)
                      .setUserId(userId)
                      .setJobType("model")
                      .setInput(Map.of("prompt", "secured"))
                      .setIdempotencyKey("acl-1")
                      .setRequestedAt(Instant.now())
                      .setAction(JobRequestAction.START)
                      .build()))
          .get(60, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast(
              "streams stopped: " + streams.state(),
              () -> streams.state() == KafkaStreams.State.ERROR)
          .ignoreException(InvalidStateStoreException.class)
          .untilAsserted(
              () -> {
                JobState state =
                    streams
                        .store(
                            StoreQueryParameters.fromNameAndType(
                                Stores.JOB_STATE.name(),
                                QueryableStoreTypes.<String, JobState>keyValueStore()))
                        .get(jobId);
                assertThat(state).isNotNull();
                assertThat(state.getStatus()).isEqualTo(JobStatus.COMPLETED);
                // The text is in the chunk store, written under the same credential.
                JobState whole =
                    JobResponses.read(
                            state,
                            streams.store(
                                StoreQueryParameters.fromNameAndType(
                                    Stores.JOB_RESPONSE_CHUNKS.name(),
                                    QueryableStoreTypes.<ResponseChunkKey, String>keyValueStore())))
                        .orElseThrow();
                assertThat(whole.getResponseSoFar()).isEqualTo("hello");
              });
    }
  }

  /**
   * The processing exception handler's real path under the streams credential: a record a processor
   * throws on ends in the dead-letter topic (written with {@code User:streams}) and the records
   * after it are processed; the worker and gateway credentials cannot write dead letters.
   */
  @Test
  void aRecordAProcessorThrowsOnIsDeadLetteredUnderTheStreamsCredential() throws Exception {
    String app = StreamsSettings.DEFAULT_APPLICATION_ID + "-dlt-probe-" + UUID.randomUUID();
    String input = app + "-input";
    String output = app + "-output";
    try (Admin admin = cluster.admin()) {
      admin
          .createTopics(
              List.of(new NewTopic(input, 1, (short) 3), new NewTopic(output, 1, (short) 3)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(
            v -> {
              if (v.startsWith("boom")) {
                throw new IllegalArgumentException("cannot handle " + v);
              }
              return v.toUpperCase();
            })
        .to(output, Produced.with(Serdes.String(), Serdes.String()));
    Map<String, Object> streamsSecurity = loginOf(RoleAcls.STREAMS_USER);
    StreamsSettings settings =
        StreamsSettings.defaults(bootstrap, "dlt-probe", dataDir.resolve("dlt-state"))
            .withApplicationId(app)
            .withReplicationFactor((short) 3)
            .withExtra(streamsSecurity);
    try (KafkaProducer<String, String> producer = producer(RoleAcls.STREAMS_USER)) {
      producer.send(new ProducerRecord<>(input, "k", "first")).get(60, TimeUnit.SECONDS);
      producer.send(new ProducerRecord<>(input, "k", "boom-secured")).get(60, TimeUnit.SECONDS);
      producer.send(new ProducerRecord<>(input, "k", "after")).get(60, TimeUnit.SECONDS);
    }
    // No thread replacement: a dead letter the ACLs refuse fails the task and the client ends in
    // ERROR, which fails this test at once.
    try (KafkaStreams streams =
            new KafkaStreams(builder.build(), StreamsConfigFactory.create(settings));
        KafkaConsumer<String, String> consumer = adminConsumer()) {
      streams.start();
      consumer.subscribe(List.of(output, Topics.STREAMS_DEAD_LETTERS.name()));
      List<ConsumerRecord<String, String>> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast(
              "streams stopped: " + streams.state(),
              () -> streams.state() == KafkaStreams.State.ERROR)
          .untilAsserted(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                assertThat(seen.stream().filter(r -> r.topic().equals(output)))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("FIRST", "AFTER");
                assertThat(
                        seen.stream()
                            .filter(r -> r.topic().equals(Topics.STREAMS_DEAD_LETTERS.name())))
                    .filteredOn(r -> input.equals(header(r, "topic")))
                    .singleElement()
                    .satisfies(
                        r -> {
                          assertThat(r.value()).isEqualTo("boom-secured");
                          assertThat(header(r, "offset")).isEqualTo("1");
                          assertThat(header(r, "error")).contains("cannot handle boom-secured");
                        });
              });
    }
    for (String user : List.of(RoleAcls.WORKER_USER, RoleAcls.GATEWAY_USER)) {
      try (KafkaProducer<String, String> producer = producer(user)) {
        Throwable refused =
            catchThrowable(
                () ->
                    producer
                        .send(
                            new ProducerRecord<>(
                                Topics.STREAMS_DEAD_LETTERS.name(), "k", "forged-" + user))
                        .get(60, TimeUnit.SECONDS));
        assertThat(rootOf(refused))
            .as("%s writing dead letters", user)
            .isInstanceOf(TopicAuthorizationException.class)
            .hasMessageContaining(Topics.STREAMS_DEAD_LETTERS.name());
      }
    }
  }

  /** A consumer with the {@code admin} super user's credential, from the earliest offsets. */
  private KafkaConsumer<String, String> adminConsumer() {
    Properties p = client(RoleAcls.ADMIN_USER);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-check-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(KafkaDeadLetterSink.HEADER_PREFIX + name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * Every role as its own process with its own credential (a {@code REGEN_KAFKA_PROPERTIES} file
   * each, and Basic auth on the registry), a job started over a WebSocket runs on the model worker
   * and reaches the client.
   */
  @Test
  void everyRoleWithItsOwnCredentialCarriesAJobToAWebSocketClient() throws Exception {
    String secret = "secured-cluster-it-secret-" + UUID.randomUUID();
    Path registryUsers = dataDir.resolve("registry-users");
    Files.writeString(
        registryUsers,
        "worker: w-pass,write\ngateway: g-pass,write\nstreams: s-pass,write\nops: o-pass,admin\n");
    int registryPort = FreePorts.next();
    int streamsPort = FreePorts.next();
    int gatewayPort = FreePorts.next();
    String registryUrl = "http://localhost:" + registryPort;
    List<RegenProcess> roles = new ArrayList<>();
    try {
      // The registry needs only its own topic: it starts while the admin creates the others.
      RegenProcess registry =
          RegenProcess.start(
              roleEnv(
                  RoleAcls.REGISTRY_USER,
                  Map.of(
                      "SCHEMA_REGISTRY_PORT", Integer.toString(registryPort),
                      "SCHEMA_REGISTRY_USERS_FILE", registryUsers.toString())),
              LOGS.resolve("registry.log"),
              "registry");
      roles.add(registry);
      RegenProcess.runToCompletion(
          roleEnv(RoleAcls.ADMIN_USER, Map.of()), LOGS.resolve("topics.log"), "topics");
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast(() -> registry.assertRunning("registry"))
          .untilAsserted(() -> assertThat(registry.output()).contains("regen: ready in"));
      Map<String, String> common = Map.of("SCHEMA_REGISTRY_URL", registryUrl, "JWT_SECRET", secret);
      RegenProcess streams =
          RegenProcess.start(
              roleEnv(
                  RoleAcls.STREAMS_USER,
                  with(
                      common,
                      "PORT",
                      Integer.toString(streamsPort),
                      "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
                      "streams:s-pass")),
              LOGS.resolve("streams.log"),
              "streams");
      roles.add(streams);
      RegenProcess gateway =
          RegenProcess.start(
              roleEnv(
                  RoleAcls.GATEWAY_USER,
                  with(
                      common,
                      "PORT",
                      Integer.toString(gatewayPort),
                      "QUERY_API_URL",
                      "http://localhost:" + streamsPort,
                      "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
                      "gateway:g-pass")),
              LOGS.resolve("gateway.log"),
              "gateway");
      roles.add(gateway);
      RegenProcess worker =
          RegenProcess.start(
              roleEnv(
                  RoleAcls.WORKER_USER,
                  with(common, "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "worker:w-pass")),
              LOGS.resolve("worker.log"),
              "worker",
              "--type",
              "model");
      roles.add(worker);
      streams.awaitHealthy(streamsPort, Duration.ofMinutes(3));
      gateway.awaitHealthy(gatewayPort, Duration.ofMinutes(3));

      String token =
          RegenProcess.runToCompletion(
                  Map.of("JWT_SECRET", secret), LOGS.resolve("token.log"), "token", "alice")
              .strip()
              .lines()
              .reduce((a, b) -> b)
              .orElseThrow()
              .strip();
      try (WsClient ws = WsClient.connect(URI.create("ws://localhost:" + gatewayPort + "/ws"))) {
        ws.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
        ws.next(f -> "welcome".equals(f.path("type").asString()), Duration.ofSeconds(30));
        ws.send(
            "{\"type\":\"start_job\",\"id\":\"s1\",\"jobType\":\"model\","
                + "\"input\":{\"prompt\":\"secured\"},\"idempotencyKey\":\"secured-1\"}");
        var ack =
            ws.next(
                f ->
                    "ack".equals(f.path("type").asString()) && "s1".equals(f.path("id").asString()),
                Duration.ofSeconds(60));
        var events =
            ws.eventsUntil(
                ack.path("jobId").asString(), "job:completed:v1", Duration.ofSeconds(120));
        assertThat(events)
            .extracting(f -> f.path("event").path("type").asString())
            .contains("job:started:v1", "model:chunk:v1", "job:completed:v1");
      }
    } finally {
      roles.forEach(RegenProcess::signalTerm);
      for (RegenProcess role : roles) {
        role.awaitExit(Duration.ofSeconds(60));
      }
    }
  }

  /** The environment of a role process logging in to Kafka as {@code user}. */
  private Map<String, String> roleEnv(String user, Map<String, String> extra) throws Exception {
    Path file = dataDir.resolve(user + "-kafka.properties");
    Properties p = client(user);
    p.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    try (var out = Files.newBufferedWriter(file)) {
      p.store(out, "Kafka client settings of the " + user + " role");
    }
    Map<String, String> env = new HashMap<>(extra);
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("REGEN_KAFKA_PROPERTIES", file.toString());
    env.put("REGEN_DATA_DIR", dataDir.resolve("role-" + user).toString());
    return env;
  }

  private static Map<String, String> with(Map<String, String> base, String... keyValues) {
    Map<String, String> map = new HashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  private List<String> readAll(String user, String group, String topic) {
    Properties p = client(user);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      if (group == null) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
      } else {
        consumer.subscribe(List.of(topic));
      }
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                  seen.add(r.key() + "=" + r.value());
                }
                return !consumer.assignment().isEmpty()
                    && ends.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
              });
    }
    return seen;
  }
}
