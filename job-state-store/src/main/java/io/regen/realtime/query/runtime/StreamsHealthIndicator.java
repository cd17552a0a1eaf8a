package io.regen.realtime.query.runtime;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** UP only while Kafka Streams is RUNNING (queries answerable); details: state and restoration. */
public final class StreamsHealthIndicator implements HealthIndicator {
  private final StreamsRuntime runtime;

  public StreamsHealthIndicator(StreamsRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Health health() {
    KafkaStreams.State state = runtime.state();
    Health.Builder builder = state == KafkaStreams.State.RUNNING ? Health.up() : Health.down();
    builder.withDetail("state", state == null ? "NOT_STARTED" : state.name());
    builder.withDetail("instanceId", runtime.instanceId());
    if (runtime.self() != null) {
      builder.withDetail("applicationServer", runtime.self().host() + ":" + runtime.self().port());
    }
    builder.withDetail("recordsRestored", runtime.restore().totalRestored());
    return builder.build();
  }
}
