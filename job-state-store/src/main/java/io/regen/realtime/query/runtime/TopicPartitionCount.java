package io.regen.realtime.query.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition count of a topic, asked once at start-up: the job-state topology sizes the
 * requests' repartition topic like {@code jobs.events.v1} with it (see {@code TopologySettings}).
 */
final class TopicPartitionCount {
  private static final Logger log = LoggerFactory.getLogger(TopicPartitionCount.class);

  private TopicPartitionCount() {}

  /** The count, or 0 (unknown) when the topic cannot be described within {@code timeout}. */
  static int of(String bootstrapServers, String topic, Duration timeout) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis()))) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic)
          .partitions()
          .size();
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      log.warn(
          "Cannot describe {} ({}); the requests' repartition topic gets the partition count of"
              + " jobs.requests.v1, which must then equal that of {}",
          topic,
          e.getCause() != null ? e.getCause() : e,
          topic);
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
