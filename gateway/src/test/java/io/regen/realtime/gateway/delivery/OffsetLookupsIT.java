package io.regen.realtime.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.testapp.DeliveryKafka;
import io.regen.realtime.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Batched offset look-ups against a real broker: right answers for every caller, and failures. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffsetLookupsIT {
  private static DeliveryKafka kafka;
  private static Admin admin;

  @BeforeAll
  static void start() {
    kafka = new DeliveryKafka();
    admin = kafka.clients().admin("offset-lookups-it");
  }

  @AfterAll
  static void stop() {
    admin.close();
    kafka.close();
  }

  @Test
  void manyConcurrentLookupsEachGetTheirPartitionsEndAndLogStart() throws Exception {
    Topic<String, JobEvent> topic = kafka.newTopic();
    // Different ends per partition: user i's partition gets events.
    String[] users = new String[DeliveryKafka.PARTITIONS];
    int found = 0;
    for (int i = 0; found < users.length; i++) {
      String u = "lookup-user-" + i;
      int p = UserPartitioner.partitionOf(u, DeliveryKafka.PARTITIONS);
      if (users[p] == null) {
        users[p] = u;
        found++;
      }
    }
    for (int p = 0; p < users.length; p++) {
      kafka.publish(topic, users[p], "job-" + p, 0, p + 1); // partition p ends at p + 1
    }
    TopicPartition tp3 = new TopicPartition(topic.name(), 3);
    admin.deleteRecords(Map.of(tp3, RecordsToDelete.beforeOffset(2))).all().get();

    OffsetLookups lookups = new OffsetLookups(admin, java.time.Duration.ofSeconds(10));
    List<CompletableFuture<Long>> ends = new ArrayList<>();
    List<CompletableFuture<Long>> starts = new ArrayList<>();
    for (int round = 0; round < 50; round++) {
      for (int p = 0; p < DeliveryKafka.PARTITIONS; p++) {
        TopicPartition tp = new TopicPartition(topic.name(), p);
        ends.add(lookups.end(tp));
        starts.add(lookups.logStart(tp));
      }
    }
    for (int i = 0; i < ends.size(); i++) {
      int p = i % DeliveryKafka.PARTITIONS;
      assertThat(ends.get(i).get(30, TimeUnit.SECONDS)).as("end of %d", p).isEqualTo(p + 1L);
      assertThat(starts.get(i).get(30, TimeUnit.SECONDS))
          .as("log start of %d", p)
          .isEqualTo(p == 3 ? 2L : 0L);
    }
  }

  @Test
  void lookupsFailWhenTheBrokerCannotBeAskedAndTheBatcherDoesNotWedge() throws Exception {
    Topic<String, JobEvent> topic = kafka.newTopic();
    Admin closed = kafka.clients().admin("offset-lookups-closed");
    closed.close();
    OffsetLookups lookups = new OffsetLookups(closed, java.time.Duration.ofSeconds(10));
    TopicPartition tp = new TopicPartition(topic.name(), 0);
    CompletableFuture<Long> first = lookups.end(tp);
    CompletableFuture<Long> second = lookups.logStart(tp);
    assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    // A later look-up is still sent (and fails the same way) instead of waiting forever.
    assertThatThrownBy(() -> lookups.end(tp).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
  }
}
