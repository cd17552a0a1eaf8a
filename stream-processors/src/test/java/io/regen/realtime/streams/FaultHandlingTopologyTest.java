package io.regen.realtime.streams;

import static io.regen.realtime.testsupport.TestJobEvents.jobEvent;
import static io.regen.realtime.testsupport.TestJobEvents.progress;
import static io.regen.realtime.testsupport.TestJobEvents.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.registry.SwitchableSchemaRegistry;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.streams.state.JobState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Streams error handlers: a registry outage fails the task instead of skipping the record; a
 * record a processor throws on goes to the dead-letter sink, counted, and processing goes on.
 */
class FaultHandlingTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  @TempDir Path stateDir;

  private Properties config() {
    Properties p =
        StreamsConfigFactory.create(
            StreamsSettings.defaults("dummy:9092", "test", stateDir)
                .withApplicationId("fault-test-" + UUID.randomUUID()));
    p.put(RegistryAwareDeserializationHandler.OUTAGE_BACKOFF, "0");
    return p;
  }

  @Test
  void aRegistryOutageFailsTheTaskAndNeverSkipsTheRecord() {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    SwitchableSchemaRegistry outage = new SwitchableSchemaRegistry(registry);
    RegistrySerdes writer = new RegistrySerdes(registry);
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            RegenTopology.build(TopologySettings.defaults(new RegistrySerdes(outage))), config())) {
      TestInputTopic<String, byte[]> raw =
          driver.createInputTopic(
              Topics.JOB_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
      byte[] first =
          writer
              .valueSerializer(Topics.JOB_EVENTS)
              .serialize(Topics.JOB_EVENTS.name(), jobEvent("u1", "j1", 0, T0, started("model")));
      long skippedBefore = FaultCounters.undecodableSkipped();
      long outagesBefore = FaultCounters.registryUnavailable();

      outage.goDown();
      assertThatThrownBy(() -> raw.pipeInput("u1", first))
          .hasStackTraceContaining("registry unavailable");
      KeyValueStore<String, JobState> states = driver.getKeyValueStore(Stores.JOB_STATE.name());
      assertThat(states.get("j1")).isNull();
      assertThat(FaultCounters.registryUnavailable() - outagesBefore).isEqualTo(1);
      assertThat(FaultCounters.undecodableSkipped()).isEqualTo(skippedBefore);

      // What the replaced stream thread does: read the same record again, registry back.
      outage.comeBack();
      raw.pipeInput("u1", first);
      assertThat(states.get("j1").getStatus())
          .isEqualTo(io.regen.realtime.streams.state.JobStatus.RUNNING);
      assertThat(FaultCounters.undecodableSkipped()).isEqualTo(skippedBefore);
    }
  }

  /** Throws on jobs whose id starts with "boom", counts the others in a store. */
  static final class ThrowingProcessor implements Processor<String, JobEvent, Void, Void> {
    private KeyValueStore<String, Long> seen;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      seen = context.getStateStore("seen");
    }

    @Override
    public void process(Record<String, JobEvent> record) {
      if (record.value().getJobId().startsWith("boom")) {
        throw new IllegalStateException("cannot handle " + record.value().getJobId());
      }
      seen.put(record.value().getJobId(), record.value().getSeq());
    }
  }

  private TopologyTestDriver throwingTopology(RegistrySerdes serdes, Properties config) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore("seen"),
            Serdes.String(),
            Serdes.Long()));
    builder.stream(
            Topics.JOB_EVENTS.name(),
            Consumed.with(Serdes.String(), serdes.valueSerde(Topics.JOB_EVENTS)))
        .process(ThrowingProcessor::new, "seen");
    return new TopologyTestDriver(builder.build(), config);
  }

  @Test
  void aRecordAProcessorThrowsOnIsDeadLetteredCountedAndSkipped() {
    RegistrySerdes serdes = new RegistrySerdes(new InMemorySchemaRegistryClient());
    InMemoryDeadLetterSink sink = new InMemoryDeadLetterSink();
    Properties config = config();
    config.put(DeadLetterProcessingHandler.SINK, sink);
    long before = FaultCounters.deadLettered();
    try (TopologyTestDriver driver = throwingTopology(serdes, config)) {
      TestInputTopic<String, byte[]> raw =
          driver.createInputTopic(
              Topics.JOB_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
      byte[] poison =
          serdes
              .valueSerializer(Topics.JOB_EVENTS)
              .serialize(Topics.JOB_EVENTS.name(), jobEvent("u1", "boom-1", 0, T0, progress(1)));
      byte[] fine =
          serdes
              .valueSerializer(Topics.JOB_EVENTS)
              .serialize(Topics.JOB_EVENTS.name(), jobEvent("u1", "ok-1", 3, T0, progress(2)));
      raw.pipeInput("u1", fine);
      raw.pipeInput("u1", poison);
      raw.pipeInput("u1", fine);

      KeyValueStore<String, Long> seen = driver.getKeyValueStore("seen");
      assertThat(seen.get("ok-1")).isEqualTo(3L);
      assertThat(FaultCounters.deadLettered() - before).isEqualTo(1);
      assertThat(sink.letters())
          .singleElement()
          .satisfies(
              letter -> {
                assertThat(letter.sourceTopic()).isEqualTo(Topics.JOB_EVENTS.name());
                assertThat(letter.partition()).isZero();
                assertThat(letter.offset()).isEqualTo(1L);
                assertThat(letter.key()).isEqualTo("u1".getBytes());
                assertThat(letter.value()).isEqualTo(poison);
                assertThat(letter.error()).contains("cannot handle boom-1");
              });
    }
  }

  @Test
  void whenTheDeadLetterCannotBeStoredTheTaskFailsInsteadOfSkipping() {
    RegistrySerdes serdes = new RegistrySerdes(new InMemorySchemaRegistryClient());
    InMemoryDeadLetterSink sink = new InMemoryDeadLetterSink();
    sink.close();
    Properties config = config();
    config.put(DeadLetterProcessingHandler.SINK, sink);
    long before = FaultCounters.deadLettered();
    try (TopologyTestDriver driver = throwingTopology(serdes, config)) {
      var events =
          driver.createInputTopic(
              Topics.JOB_EVENTS.name(),
              new StringSerializer(),
              serdes.valueSerializer(Topics.JOB_EVENTS));
      assertThatThrownBy(() -> events.pipeInput("u1", jobEvent("u1", "boom-2", 0, T0, progress(1))))
          .hasStackTraceContaining("cannot handle boom-2");
      assertThat(FaultCounters.deadLettered()).isEqualTo(before);
    }
  }
}
