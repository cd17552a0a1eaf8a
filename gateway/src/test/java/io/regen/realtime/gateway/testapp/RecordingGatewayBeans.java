package io.regen.realtime.gateway.testapp;

import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * The setup the gateway's edge ITs share (protocol, REST edge, fuzzing): the gateway on the shared
 * {@link EmbeddedBroker} with its registry, and a {@link RecordingEventDelivery} in place of the
 * Kafka delivery, so a test drives and inspects deliveries without publishing events.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(EmbeddedBrokerProperties.class)
public class RecordingGatewayBeans {
  @Bean
  SchemaRegistryClient schemaRegistryClient() {
    return EmbeddedBroker.registry();
  }

  @Bean
  @Primary
  EventDelivery recordingEventDelivery() {
    return new RecordingEventDelivery();
  }
}
