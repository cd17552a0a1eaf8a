package io.regen.realtime.gateway.sessions;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.gateway.GatewayEnvironment;
import io.regen.realtime.gateway.delivery.DeliveryProperties;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@link SessionEventPublisher} bean, imported by the gateway auto-configuration: a {@link
 * KafkaSessionEventPublisher} to {@code regen.kafka.bootstrap-servers} (env {@code
 * KAFKA_BOOTSTRAP_SERVERS}, default {@code localhost:9092}, as the rest of the gateway) with the
 * {@link SchemaRegistryClient} bean; without a registry client, a no-op publisher (logged). The
 * producer connects lazily, so a broker that is down at startup does not stop the gateway.
 */
@Configuration(proxyBeanMethods = false)
public class SessionsConfiguration {
  private static final Logger log = LoggerFactory.getLogger(SessionsConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  public SessionEventPublisher sessionEventPublisher(
      Environment env,
      ObjectProvider<SchemaRegistryClient> registry,
      ObjectProvider<MeterRegistry> meters) {
    SchemaRegistryClient client = registry.getIfAvailable();
    if (client == null) {
      log.warn("Session events are not published: no SchemaRegistryClient bean");
      return SessionEventPublisher.noop();
    }
    return KafkaSessionEventPublisher.create(
        GatewayKafkaClients.from(env, DeliveryProperties.defaults().fetchMaxWait()),
        client,
        "gateway-sessions-"
            + GatewayEnvironment.first(
                env, UUID.randomUUID().toString().substring(0, 8), "regen.node-id", "NODE_ID"),
        Map.of(),
        KafkaSessionEventPublisher.DEFAULT_BUFFER,
        meters.getIfAvailable(SimpleMeterRegistry::new));
  }
}
