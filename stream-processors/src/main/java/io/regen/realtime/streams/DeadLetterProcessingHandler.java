package io.regen.realtime.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that decodes but makes a processor throw is written to the dead-letter sink (by default
 * {@link KafkaDeadLetterSink}, topic {@code regen.streams.dead-letters.v1}), counted ({@link
 * FaultCounters#deadLettered()}), logged with its position, and then skipped, so one bad record
 * neither loops the stream threads nor disappears. If the dead letter cannot be stored the task
 * fails instead (the record is processed again after the thread is replaced): never skipped
 * unrecorded.
 *
 * <p>Configured through the Streams properties: {@link #SINK} may hold a {@link DeadLetterSink}
 * instance (tests); otherwise a Kafka sink is built from the Streams client settings (bootstrap
 * servers and security), on the first dead letter.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

  /** Streams property: a {@link DeadLetterSink} instance to use instead of Kafka. */
  public static final String SINK = "regen.dead-letter.sink";

  private static final Set<String> CLIENT_PREFIXES =
      Set.of("security.", "sasl.", "ssl.", "client.dns.", "reconnect.", "retry.");

  /** One producer per cluster for the JVM's life, made on the first dead letter. */
  private static final Map<Object, DeadLetterSink> KAFKA_SINKS = new ConcurrentHashMap<>();

  private Supplier<DeadLetterSink> sink;

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(SINK) instanceof DeadLetterSink given) {
      sink = () -> given;
      return;
    }
    Map<String, Object> client = clientConfig(configs);
    sink =
        () ->
            KAFKA_SINKS.computeIfAbsent(
                client, c -> new KafkaDeadLetterSink(client, Duration.ofSeconds(30)));
  }

  static Map<String, Object> clientConfig(Map<String, ?> configs) {
    Map<String, Object> client = new HashMap<>();
    client.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        configs.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    for (var entry : configs.entrySet()) {
      String key = entry.getKey();
      if (CLIENT_PREFIXES.stream().anyMatch(key::startsWith)
          || SslConfigs.SSL_PROTOCOL_CONFIG.equals(key)
          || SaslConfigs.SASL_MECHANISM.equals(key)) {
        client.put(key, entry.getValue());
      }
    }
    return client;
  }

  @Override
  public ProcessingHandlerResponse handle(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    DeadLetter letter =
        new DeadLetter(
            context.topic() == null ? "unknown" : context.topic(),
            context.partition(),
            context.offset(),
            context.processorNodeId(),
            String.valueOf(context.taskId()),
            context.sourceRawKey(),
            context.sourceRawValue(),
            exception.toString());
    try {
      sink.get().publish(letter);
    } catch (RuntimeException e) {
      log.error(
          "Processor {} failed on {}-{}@{} and the dead letter could not be stored; failing the"
              + " task so the record is processed again",
          context.processorNodeId(),
          context.topic(),
          context.partition(),
          context.offset(),
          e);
      return ProcessingHandlerResponse.FAIL;
    }
    FaultCounters.DEAD_LETTERED.incrementAndGet();
    log.warn(
        "Processor {} failed on {}-{}@{}; record written to the dead-letter topic and skipped",
        context.processorNodeId(),
        context.topic(),
        context.partition(),
        context.offset(),
        exception);
    return ProcessingHandlerResponse.CONTINUE;
  }
}
