package io.regen.realtime.sdk.internal;

import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** The consumer configuration of a request loop, built on the shared client settings. */
public final class RequestConsumerConfig {
  private RequestConsumerConfig() {}

  /**
   * One consumer group per job type ({@code groupIdPrefix + jobType}), offsets committed by the
   * loop only, from the earliest request; {@code overrides} (the builder's) last.
   */
  public static Map<String, Object> of(
      KafkaClientConfigs clients,
      LoopSettings settings,
      String workerId,
      String jobType,
      Map<String, Object> overrides) {
    Map<String, Object> c = clients.consumer("regen-worker-" + workerId + "-" + jobType);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupIdPrefix() + jobType);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(10, settings.concurrency() * 2));
    c.putAll(overrides);
    return c;
  }
}
