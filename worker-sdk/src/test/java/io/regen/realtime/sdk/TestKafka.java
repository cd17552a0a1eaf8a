package io.regen.realtime.sdk;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.testsupport.KafkaTestBrokers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A real single-node KRaft broker in this JVM with the platform's topics (12 partitions). */
public final class TestKafka implements AutoCloseable {
  public static final int PARTITIONS = 12;

  private final EmbeddedKafkaKraftBroker broker;

  private TestKafka(EmbeddedKafkaKraftBroker broker) {
    this.broker = broker;
  }

  public static TestKafka start() throws Exception {
    EmbeddedKafkaKraftBroker broker = KafkaTestBrokers.startKraft(1, PARTITIONS, Map.of());
    TestKafka kafka = new TestKafka(broker);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
      admin
          .createTopics(
              Topics.all().stream()
                  .map(t -> new NewTopic(t.name(), PARTITIONS, (short) 1))
                  .toList())
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    return kafka;
  }

  /** A one-partition compacted topic, returned once the broker reports it. */
  public void createCompactedTopic(String name) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(name, 1, (short) 1)
                      .configs(
                          Map.of(
                              TopicConfig.CLEANUP_POLICY_CONFIG,
                              TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all()
          .get(30, TimeUnit.SECONDS);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  admin
                          .describeTopics(List.of(name))
                          .allTopicNames()
                          .get()
                          .get(name)
                          .partitions()
                          .get(0)
                          .leader()
                      != null);
    }
  }

  public String bootstrap() {
    return broker.getBrokersAsString();
  }

  public KafkaProducer<String, JobRequest> requestProducer(SchemaRegistryClient registry) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new RegistrySerdes(registry).valueSerializer(Topics.JOB_REQUESTS));
  }

  /** Writes raw bytes to the requests topic: a record no deserializer can read. */
  public void sendGarbageRequest(String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.JOB_REQUESTS.name(), key, value)).get();
    }
  }

  public static JobRequest start(
      String jobId, String userId, String jobType, String idempotencyKey) {
    return start(jobId, userId, jobType, idempotencyKey, Map.of());
  }

  public static JobRequest start(
      String jobId,
      String userId,
      String jobType,
      String idempotencyKey,
      Map<String, String> input) {
    return new JobRequest(
        jobId, userId, jobType, input, idempotencyKey, Instant.now(), JobRequestAction.START);
  }

  public static JobRequest cancel(String jobId, String userId, String jobType) {
    return new JobRequest(
        jobId, userId, jobType, Map.of(), null, Instant.now(), JobRequestAction.CANCEL);
  }

  public static void send(KafkaProducer<String, JobRequest> producer, JobRequest request)
      throws Exception {
    producer
        .send(new ProducerRecord<>(Topics.JOB_REQUESTS.name(), request.getJobId(), request))
        .get(30, TimeUnit.SECONDS);
  }

  /** Reads every partition of {@code jobs.events.v1} from the start, in the background. */
  public EventsReader eventsReader(SchemaRegistryClient registry) {
    return new EventsReader(this, registry);
  }

  @Override
  public void close() {
    broker.destroy();
  }

  public static final class EventsReader implements AutoCloseable {
    private final List<ConsumerRecord<String, JobEvent>> records = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    EventsReader(TestKafka kafka, SchemaRegistryClient registry) {
      Topic<String, JobEvent> topic = Topics.JOB_EVENTS;
      KafkaConsumer<String, JobEvent> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrap(),
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false),
              new StringDeserializer(),
              new RegistrySerdes(registry).valueDeserializer(topic));
      List<TopicPartition> partitions =
          IntStream.range(0, PARTITIONS)
              .mapToObj(p -> new TopicPartition(topic.name(), p))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread =
          new Thread(
              () -> {
                try (consumer) {
                  while (!stop) {
                    consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                  }
                }
              },
              "events-reader");
      thread.start();
    }

    /** The events of one job, in the order they were read. */
    public List<JobEvent> events(String jobId) {
      List<JobEvent> events = new ArrayList<>();
      for (ConsumerRecord<String, JobEvent> r : records) {
        if (r.value().getJobId().equals(jobId)) {
          events.add(r.value());
        }
      }
      return events;
    }

    public List<ConsumerRecord<String, JobEvent>> records(Predicate<JobEvent> filter) {
      return records.stream().filter(r -> filter.test(r.value())).toList();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(10_000);
    }
  }
}
