package io.regen.realtime.gateway.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * Event delivery, replay and the job history endpoint of the gateway; imported by the gateway's
 * auto-configuration. Reads {@code regen.kafka.bootstrap-servers} ({@code
 * KAFKA_BOOTSTRAP_SERVERS}), {@code regen.gateway.state-url} (default: this server) and {@code
 * regen.gateway.delivery.*}; needs a {@link SchemaRegistryClient} and a {@link JwtVerifier} bean.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeliveryProperties.class)
public class DeliveryConfiguration {

  @Bean
  public DeliveryMetrics deliveryMetrics(ObjectProvider<MeterRegistry> meters) {
    return new DeliveryMetrics(meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean
  public KafkaClients deliveryKafkaClients(Environment env, DeliveryProperties props) {
    String bootstrap =
        first(env, "localhost:9092", "regen.kafka.bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS");
    return new KafkaClients(bootstrap, Map.of(), props.fetchMaxWait());
  }

  @Bean
  public InMemoryJobLocator jobSightings(DeliveryProperties props) {
    return new InMemoryJobLocator(props.locatorCacheSize());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(EventDelivery.class)
  public KafkaEventDelivery eventDelivery(
      KafkaClients clients,
      SchemaRegistryClient registry,
      DeliveryProperties props,
      DeliveryMetrics metrics,
      InMemoryJobLocator jobSightings) {
    return new KafkaEventDelivery(
        Topics.JOB_EVENTS,
        clients,
        new RegistrySerdes(registry).valueDeserializer(Topics.JOB_EVENTS),
        props,
        metrics,
        jobSightings);
  }

  // By name, not by type: jobSightings is itself a JobLocator and would otherwise suppress this
  // one,
  // leaving replay blind to every job this node did not see live.
  @Bean
  @Primary
  @ConditionalOnMissingBean(name = "jobLocator")
  public JobLocator jobLocator(InMemoryJobLocator jobSightings, Environment env) {
    Duration timeout =
        env.getProperty("regen.gateway.state-timeout", Duration.class, Duration.ofSeconds(5));
    return new FirstFoundJobLocator(
        List.of(jobSightings, new QueryApiJobLocator(() -> stateUrl(env), timeout)));
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(JobReplay.class)
  public KafkaJobReplay jobReplay(
      KafkaClients clients,
      SchemaRegistryClient registry,
      JobLocator jobLocator,
      DeliveryProperties props,
      DeliveryMetrics metrics) {
    return new KafkaJobReplay(
        Topics.JOB_EVENTS,
        clients,
        new RegistrySerdes(registry).valueDeserializer(Topics.JOB_EVENTS),
        jobLocator,
        props,
        metrics,
        ReplayListener.NONE);
  }

  @Bean
  public JobEventsController jobEventsController(
      ObjectProvider<KafkaJobReplay> replay, JwtVerifier verifier) {
    return new JobEventsController(replay.getObject(), verifier);
  }

  /** The query API's base URL; by default this very server once it listens. */
  static String stateUrl(Environment env) {
    String configured = first(env, null, "regen.gateway.state-url", "STATE_URL");
    if (configured != null) {
      return configured;
    }
    String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
    return "http://localhost:" + port;
  }

  private static String first(Environment env, String fallback, String... names) {
    for (String name : names) {
      String value = env.getProperty(name);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return fallback;
  }
}
