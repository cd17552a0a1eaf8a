package io.regen.realtime.streams;

import static io.regen.realtime.testsupport.TestJobEvents.jobEvent;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.events.SessionKind;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.testsupport.TestJobEvents;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A TopologyTestDriver over the whole topology, with an in-memory registry; the records come from
 * {@link TestJobEvents}.
 */
final class TestDriverSupport implements AutoCloseable {
  final RegistrySerdes serdes = new RegistrySerdes(new InMemorySchemaRegistryClient());
  final TopologyTestDriver driver;
  final TestInputTopic<String, JobEvent> events;
  final TestInputTopic<String, JobRequest> requests;
  final TestInputTopic<String, SessionEvent> sessions;
  final TestInputTopic<String, byte[]> rawEvents;

  TestDriverSupport(Path stateDir, java.util.function.UnaryOperator<TopologySettings> tune) {
    TopologySettings settings = tune.apply(TopologySettings.defaults(serdes));
    Properties props =
        StreamsConfigFactory.create(
            StreamsSettings.defaults("dummy:9092", "test", stateDir)
                .withApplicationId("topology-test-" + UUID.randomUUID()));
    driver = new TopologyTestDriver(RegenTopology.build(settings), props);
    events =
        driver.createInputTopic(
            Topics.JOB_EVENTS.name(),
            new StringSerializer(),
            serdes.valueSerializer(Topics.JOB_EVENTS));
    requests =
        driver.createInputTopic(
            Topics.JOB_REQUESTS.name(),
            new StringSerializer(),
            serdes.valueSerializer(Topics.JOB_REQUESTS));
    sessions =
        driver.createInputTopic(
            Topics.GATEWAY_SESSIONS.name(),
            new StringSerializer(),
            serdes.valueSerializer(Topics.GATEWAY_SESSIONS));
    rawEvents =
        driver.createInputTopic(
            Topics.JOB_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
  }

  <K, V> KeyValueStore<K, V> store(StoreDef<K, V> def) {
    return driver.getKeyValueStore(def.name());
  }

  <K, V> List<KeyValue<K, V>> range(StoreDef<K, V> def, K from, K to) {
    List<KeyValue<K, V>> out = new ArrayList<>();
    try (KeyValueIterator<K, V> it = store(def).range(from, to)) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  <K, V> List<V> all(StoreDef<K, V> def) {
    List<V> out = new ArrayList<>();
    try (KeyValueIterator<K, V> it = store(def).all()) {
      it.forEachRemaining(kv -> out.add(kv.value));
    }
    return out;
  }

  void event(String userId, String jobId, long seq, Instant at, Object payload) {
    events.pipeInput(userId, jobEvent(userId, jobId, seq, at, payload));
  }

  /** An event of the given attempt (a worker's re-run of the job counts up from seq 0 again). */
  void event(String userId, String jobId, int attempt, long seq, Instant at, Object payload) {
    JobEvent event = jobEvent(userId, jobId, seq, at, payload);
    event.setAttempt(attempt);
    events.pipeInput(userId, event);
  }

  void request(String userId, String jobId, String jobType, Instant at) {
    requests.pipeInput(
        jobId, TestJobEvents.request(userId, jobId, jobType, at, JobRequestAction.START));
  }

  void session(String userId, SessionKind kind, Instant at, Long durationMs) {
    sessions.pipeInput(userId, TestJobEvents.session(userId, "node-1", kind, at, durationMs));
  }

  @Override
  public void close() {
    driver.close();
  }
}
