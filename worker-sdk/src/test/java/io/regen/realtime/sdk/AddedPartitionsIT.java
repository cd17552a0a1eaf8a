package io.regen.realtime.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.PartitionCountChangedException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Partitions added to {@code jobs.events.v1} while a worker publishes: once its producer's metadata
 * sees the new count, publishing is refused with a clear error instead of moving users to other
 * partitions than the gateway computes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AddedPartitionsIT {
  @Test
  void publishingIsRefusedOncePartitionsWereAdded() throws Exception {
    try (KafkaJobsFixture jobs = KafkaJobsFixture.start();
        RegenWorkerClient client =
            RegenWorkerClient.builder()
                .bootstrapServers(jobs.bootstrap())
                .schemaRegistry(jobs.registry())
                .workerId("w-partitions")
                .producerProperty(ProducerConfig.METADATA_MAX_AGE_CONFIG, 500)
                .build();
        Admin admin =
            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, jobs.bootstrap()))) {
      String user = "user-" + UUID.randomUUID();
      JobHandle first = client.startJob("job-before-" + user, user, "model", "");
      first.complete("ok").get(30, TimeUnit.SECONDS);
      int before =
          admin
              .describeTopics(java.util.List.of(Topics.JOB_EVENTS.name()))
              .allTopicNames()
              .get()
              .get(Topics.JOB_EVENTS.name())
              .partitions()
              .size();

      admin
          .createPartitions(Map.of(Topics.JOB_EVENTS.name(), NewPartitions.increaseTo(before + 2)))
          .all()
          .get(30, TimeUnit.SECONDS);

      AtomicInteger attempt = new AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                try {
                  client
                      .startJob(
                          "job-after-" + attempt.incrementAndGet() + "-" + user, user, "model", "")
                      .complete("ok");
                  return false;
                } catch (PartitionCountChangedException e) {
                  return true;
                }
              });
      assertThatThrownBy(() -> client.startJob("job-refused-" + user, user, "model", ""))
          .isInstanceOf(PartitionCountChangedException.class)
          .hasMessageContaining(
              "now has " + (before + 2) + " partitions, " + before + " when this process started");
      assertThat(attempt.get()).isPositive();
    }
  }
}
