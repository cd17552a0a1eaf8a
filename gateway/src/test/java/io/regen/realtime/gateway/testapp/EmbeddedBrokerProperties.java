package io.regen.realtime.gateway.testapp;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** Points a test context's gateway at the shared {@link EmbeddedBroker}, started on first use. */
@TestConfiguration(proxyBeanMethods = false)
public class EmbeddedBrokerProperties {
  @Bean
  static DynamicPropertyRegistrar embeddedBrokerBootstrapServers() {
    return registry ->
        registry.add("regen.kafka.bootstrap-servers", EmbeddedBroker::bootstrapServers);
  }
}
