package io.regen.realtime.gateway.e2e;

import io.regen.realtime.gateway.presence.RedisServerProcess;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The setup the whole-gateway ITs share: the 12-partition broker with its producer ({@link
 * E2eKafka}), a real {@code redis-server}, one {@link GatewayNode} with presence in that Redis, and
 * an HTTP client for WebSocket and REST calls. Closing it stops them in reverse order.
 */
final class E2eGateway implements AutoCloseable {
  final E2eKafka kafka;
  final RedisServerProcess redis;
  final GatewayNode gateway;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private E2eGateway(E2eKafka kafka, RedisServerProcess redis, GatewayNode gateway) {
    this.kafka = kafka;
    this.redis = redis;
    this.gateway = gateway;
  }

  /**
   * Starts the broker, Redis and a gateway on a free port with {@code settings} (they win over
   * {@code regen.redis.url}); what started is stopped again if a later part fails to start.
   */
  static E2eGateway start(Map<String, String> settings) {
    E2eKafka kafka = new E2eKafka();
    RedisServerProcess redis = null;
    try {
      redis = RedisServerProcess.start();
      Map<String, String> props = new LinkedHashMap<>();
      props.put("regen.redis.url", redis.url());
      props.putAll(settings);
      GatewayNode gateway = GatewayNode.start(kafka.bootstrapServers(), kafka.registry, 0, props);
      return new E2eGateway(kafka, redis, gateway);
    } catch (RuntimeException | Error e) {
      if (redis != null) {
        redis.close();
      }
      kafka.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      try {
        redis.close();
      } finally {
        kafka.close();
      }
    }
  }
}
