package io.regen.realtime.gateway.replay;

import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.gateway.delivery.DeliveryMetrics;
import io.regen.realtime.gateway.delivery.DeliveryProperties;
import io.regen.realtime.gateway.jobs.JobDirectory;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Replay and the job history endpoint of the gateway; imported by the gateway's auto-configuration.
 * Needs the {@link JobDirectory}, the gateway's Kafka clients and delivery settings ({@code
 * regen.gateway.delivery.replay-*}, limits in {@code regen.gateway.replay.*}), and a {@link
 * BearerAuthenticator}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReplayProperties.class)
public class ReplayConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(JobReplay.class)
  public KafkaJobReplay jobReplay(
      GatewayKafkaClients clients,
      SchemaRegistryClient registry,
      JobDirectory jobDirectory,
      DeliveryProperties props,
      ReplayProperties limits,
      DeliveryMetrics metrics) {
    return new KafkaJobReplay(
        Topics.JOB_EVENTS,
        clients,
        new RegistrySerdes(registry).valueDeserializer(Topics.JOB_EVENTS),
        jobDirectory,
        props,
        limits,
        metrics,
        ReplayListener.NONE);
  }

  @Bean
  public JobEventsController jobEventsController(
      ObjectProvider<KafkaJobReplay> replay, BearerAuthenticator auth) {
    return new JobEventsController(replay.getObject(), auth);
  }
}
