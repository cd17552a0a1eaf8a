package io.regen.realtime.gateway.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.gateway.jobs.InMemoryJobDirectory;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Live and catch-up event delivery of the gateway, and the gateway's Kafka clients; imported by the
 * gateway's auto-configuration. Reads {@code regen.kafka.bootstrap-servers} ({@code
 * KAFKA_BOOTSTRAP_SERVERS}) and {@code regen.gateway.delivery.*}; needs a {@link
 * SchemaRegistryClient} and an {@link InMemoryJobDirectory} bean (where live delivery records the
 * first event of each job).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeliveryProperties.class)
public class DeliveryConfiguration {

  @Bean
  public DeliveryMetrics deliveryMetrics(ObjectProvider<MeterRegistry> meters) {
    return new DeliveryMetrics(meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean
  public GatewayKafkaClients gatewayKafkaClients(Environment env, DeliveryProperties props) {
    return GatewayKafkaClients.from(env, props.fetchMaxWait())
        .withFetchMinBytes(props.fetchMinBytes());
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  @ConditionalOnMissingBean(EventDelivery.class)
  public KafkaEventDelivery eventDelivery(
      GatewayKafkaClients clients,
      SchemaRegistryClient registry,
      DeliveryProperties props,
      DeliveryMetrics metrics,
      InMemoryJobDirectory jobSightings) {
    return new KafkaEventDelivery(
        Topics.JOB_EVENTS,
        clients,
        new RegistrySerdes(registry).valueDeserializer(Topics.JOB_EVENTS),
        props,
        metrics,
        jobSightings);
  }

  /** {@code delivery} in {@code /actuator/health}: see {@link DeliveryHealthIndicator}. */
  @Bean
  @ConditionalOnBean(KafkaEventDelivery.class)
  public HealthIndicator deliveryHealthIndicator(
      KafkaEventDelivery delivery, DeliveryProperties props) {
    return new DeliveryHealthIndicator(delivery, props.healthMaxPollAge());
  }
}
