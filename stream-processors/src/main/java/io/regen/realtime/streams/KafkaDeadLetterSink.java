package io.regen.realtime.streams;

import io.regen.realtime.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@link DeadLetterSink} writing to {@link Topics#STREAMS_DEAD_LETTERS}: the raw key and value,
 * with headers {@code regen.dlt.topic}, {@code .partition}, {@code .offset}, {@code .processor},
 * {@code .task} and {@code .error}. Idempotent producer, {@code acks=all}; {@link #publish} waits
 * for the acknowledgement (bounded by {@code timeout}).
 */
public final class KafkaDeadLetterSink implements DeadLetterSink {
  public static final String HEADER_PREFIX = "regen.dlt.";

  private final KafkaProducer<byte[], byte[]> producer;
  private final Duration timeout;

  /**
   * @param clientConfig producer settings (at least {@code bootstrap.servers}; security settings
   *     pass through)
   */
  public KafkaDeadLetterSink(Map<String, Object> clientConfig, Duration timeout) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    // delivery.timeout.ms must cover linger.ms + request.timeout.ms.
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (timeout.toMillis() / 2));
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "regen-streams-dead-letters");
    this.producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    this.timeout = timeout;
  }

  @Override
  public void publish(DeadLetter letter) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(Topics.STREAMS_DEAD_LETTERS.name(), letter.key(), letter.value());
    Headers h = record.headers();
    header(h, "topic", letter.sourceTopic());
    header(h, "partition", Integer.toString(letter.partition()));
    header(h, "offset", Long.toString(letter.offset()));
    header(h, "processor", letter.processorNodeId());
    header(h, "task", letter.taskId());
    header(h, "error", letter.error());
    try {
      producer.send(record).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted writing a dead letter", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot write a dead letter to " + Topics.STREAMS_DEAD_LETTERS.name() + ": " + e, e);
    }
  }

  private static void header(Headers headers, String name, String value) {
    if (value != null) {
      headers.add(HEADER_PREFIX + name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
