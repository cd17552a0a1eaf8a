package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refills a {@link DedupeMemory} after a (re)start: the requests just before the group's committed
 * position were handled already, so a later copy of any of them is a duplicate. Reads with a
 * separate, group-less consumer so the loop's own positions are untouched.
 */
final class DedupeRebuilder {
  private static final Logger log = LoggerFactory.getLogger(DedupeRebuilder.class);

  private DedupeRebuilder() {}

  static void rebuild(
      Map<String, Object> consumerConfig,
      Map<TopicPartition, OffsetAndMetadata> committed,
      int lookback,
      Deserializer<JobRequest> deserializer,
      String jobType,
      DedupeMemory memory,
      Duration timeout) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    committed.forEach(
        (tp, om) -> {
          if (om != null && om.offset() > 0) {
            ends.put(tp, om.offset());
          }
        });
    if (ends.isEmpty()) {
      return;
    }
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    config.put(
        ConsumerConfig.CLIENT_ID_CONFIG, config.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-dedupe");
    long remembered = 0;
    try (KafkaConsumer<byte[], byte[]> scanner =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      scanner.assign(ends.keySet());
      Map<TopicPartition, Long> beginnings = scanner.beginningOffsets(ends.keySet(), timeout);
      Map<TopicPartition, Long> remaining = new HashMap<>();
      for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
        long from = Math.max(beginnings.getOrDefault(e.getKey(), 0L), e.getValue() - lookback);
        if (from < e.getValue()) {
          scanner.seek(e.getKey(), from);
          remaining.put(e.getKey(), e.getValue());
        }
      }
      scanner.assign(remaining.keySet());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!remaining.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : scanner.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          Long end = remaining.get(tp);
          if (end == null || record.offset() >= end) {
            continue;
          }
          if (remember(record, deserializer, jobType, memory)) {
            remembered++;
          }
        }
        for (TopicPartition tp : Map.copyOf(remaining).keySet()) {
          if (scanner.position(tp) >= remaining.get(tp)) {
            remaining.remove(tp);
          }
        }
        scanner.assign(remaining.keySet());
      }
      if (!remaining.isEmpty()) {
        log.warn("Duplicate filter of '{}' rebuilt only partly: timed out", jobType);
      }
    }
    log.info(
        "Duplicate filter of '{}' rebuilt from {} earlier request(s) on {} partition(s)",
        jobType,
        remembered,
        ends.size());
  }

  private static boolean remember(
      ConsumerRecord<byte[], byte[]> record,
      Deserializer<JobRequest> deserializer,
      String jobType,
      DedupeMemory memory) {
    try {
      JobRequest request = deserializer.deserialize(record.topic(), record.value());
      if (request != null
          && request.getAction() == JobRequestAction.START
          && jobType.equals(request.getJobType())
          && request.getJobId() != null) {
        memory.checkAndRemember(
            request, DedupeMemory.position(record.topic(), record.partition(), record.offset()));
        return true;
      }
    } catch (RuntimeException e) {
      // Undecodable records were skipped when first read; nothing to remember.
    }
    return false;
  }
}
