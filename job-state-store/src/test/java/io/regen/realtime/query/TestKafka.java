package io.regen.realtime.query;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.events.SessionKind;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.testsupport.KafkaTestBrokers;
import io.regen.realtime.testsupport.TestJobEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Real in-process KRaft brokers for the query ITs, the platform's topics, a shared in-memory schema
 * registry and producers of job events, requests and sessions.
 */
final class TestKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;
  final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  final RegistrySerdes serdes = new RegistrySerdes(registry);
  private final KafkaProducer<String, byte[]> producer;
  private final int brokers;

  /**
   * One combined broker+controller for {@code brokers == 1}; otherwise {@code brokers} brokers and
   * one separate controller: a 3-node combined KRaft quorum in one busy JVM sometimes dies at start
   * ("Received unexpected invalid request error" in the raft IO thread).
   */
  TestKafka(int brokers, int partitions) {
    this.brokers = brokers;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(brokers == 1)
              .setNumBrokerNodes(brokers)
              .setNumControllerNodes(1)
              .build();
      cluster =
          new KafkaClusterTestKit.Builder(nodes)
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("log.cleaner.dedupe.buffer.size", "16777216")
              .setConfigProp("offsets.topic.replication.factor", Integer.toString(brokers))
              .setConfigProp("transaction.state.log.replication.factor", Integer.toString(brokers))
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("controlled.shutdown.enable", "false")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      throw new IllegalStateException("Kafka test cluster did not start", e);
    }
    KafkaTestBrokers.clearLeakedProperties();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      List<NewTopic> topics = new ArrayList<>();
      for (Topic<String, ?> topic : Topics.all()) {
        topics.add(new NewTopic(topic.name(), partitions, (short) Math.min(brokers, 3)));
      }
      admin.createTopics(topics).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Topics not created", e.getCause());
    }
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  String bootstrap() {
    return cluster.bootstrapServers();
  }

  /** Sends one event and returns where it landed. */
  LogPosition event(String userId, String jobId, long seq, Instant at, Object payload) {
    JobEvent event = TestJobEvents.jobEvent(userId, jobId, seq, at, "worker-it", payload);
    RecordMetadata md = send(Topics.JOB_EVENTS, userId, event);
    return new LogPosition(md.partition(), md.offset());
  }

  void request(String userId, String jobId, String jobType, Instant at) {
    JobRequest request = TestJobEvents.request(userId, jobId, jobType, at, JobRequestAction.START);
    send(Topics.JOB_REQUESTS, jobId, request);
  }

  void session(String userId, SessionKind kind, Instant at, Long durationMs) {
    SessionEvent session = TestJobEvents.session(userId, "node-it", kind, at, durationMs);
    send(Topics.GATEWAY_SESSIONS, userId, session);
  }

  private <V extends org.apache.avro.specific.SpecificRecord> RecordMetadata send(
      Topic<String, V> topic, String key, V value) {
    Serializer<V> serializer = serdes.valueSerializer(topic);
    byte[] bytes = serializer.serialize(topic.name(), value);
    try {
      return producer.send(new ProducerRecord<>(topic.name(), key, bytes)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  int brokers() {
    return brokers;
  }

  @Override
  public void close() {
    producer.close();
    try {
      cluster.close();
    } catch (Exception e) {
      // A multi-broker KRaft shutdown may throw a raft fault after stopping (stack-notes).
    }
    KafkaTestBrokers.clearLeakedProperties();
  }
}
