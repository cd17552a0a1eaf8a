package io.regen.realtime.gateway.presence;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.gateway.GatewayEnvironment;
import io.regen.realtime.gateway.http.BearerAuth;
import io.regen.realtime.gateway.http.HttpAuthConfiguration;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Presence beans, imported by the gateway auto-configuration:
 *
 * <ul>
 *   <li>{@link PresenceRegistry}: {@link RedisPresenceRegistry} when {@code regen.redis.url} (or
 *       env {@code REDIS_URL}) is set, else {@link InMemoryPresenceRegistry}. Redis is connected in
 *       the background: a Redis that is down at startup does not stop the gateway; presence answers
 *       503 until it is reachable.
 *   <li>{@link PresenceRecorder} for this node ({@code regen.node-id}, env {@code NODE_ID}, else
 *       the host name), started, heartbeating every {@code regen.presence.heartbeat-interval}. The
 *       WebSocket layer reports sessions to it.
 *   <li>{@link PresenceController} ({@code /api/presence}) with {@link BearerAuth} (via {@link
 *       HttpAuthConfiguration}; needs a {@code JwtVerifier} bean).
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PresenceProperties.class)
@Import(HttpAuthConfiguration.class)
public class PresenceConfiguration {
  private static final Logger log = LoggerFactory.getLogger(PresenceConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  public PresenceRegistry presenceRegistry(
      PresenceProperties props, Environment env, ObjectProvider<MeterRegistry> meters) {
    String url = redisUrl(env);
    if (url == null) {
      log.info("Presence: in memory (single node); set REDIS_URL for presence across nodes");
      return new InMemoryPresenceRegistry(props.ttl());
    }
    return new RedisPresenceRegistry(
        props.redis(url), meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean
  @ConditionalOnMissingBean
  public PresenceRecorder presenceRecorder(
      PresenceRegistry registry,
      PresenceProperties props,
      Environment env,
      ObjectProvider<MeterRegistry> meters) {
    PresenceRecorder recorder =
        new PresenceRecorder(
            registry,
            nodeId(env),
            props.heartbeatInterval(),
            props.maxPendingChanges(),
            meters.getIfAvailable(SimpleMeterRegistry::new));
    recorder.start();
    return recorder;
  }

  @Bean
  @ConditionalOnMissingBean
  public PresenceController presenceController(
      PresenceRegistry registry, BearerAuth auth, PresenceProperties props) {
    return new PresenceController(registry, auth, props.retryAfter());
  }

  /** {@code regen.redis.url}, else env {@code REDIS_URL}; null when neither is set. */
  static String redisUrl(Environment env) {
    return GatewayEnvironment.first(env, null, "regen.redis.url", "REDIS_URL");
  }

  /** {@code regen.node-id}, else env {@code NODE_ID}, else the host name. */
  static String nodeId(Environment env) {
    String configured = GatewayEnvironment.first(env, null, "regen.node-id", "NODE_ID");
    if (configured != null) {
      return configured;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "gateway";
    }
  }
}
