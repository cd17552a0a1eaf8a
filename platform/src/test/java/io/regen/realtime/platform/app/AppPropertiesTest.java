package io.regen.realtime.platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.app.AppProperties.Endpoints;
import io.regen.realtime.platform.app.AppProperties.Mode;
import io.regen.realtime.platform.config.RegenEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class AppPropertiesTest {
  private static final Endpoints ENDPOINTS =
      new Endpoints("localhost:9092", "http://localhost:8081", 8080, "s".repeat(40), "node-a");

  @Test
  void upEnablesGatewayAndStreamsAndMapsTheCommonProperties() {
    Map<String, Object> p = AppProperties.of(Mode.UP, new RegenEnvironment(Map.of()), ENDPOINTS);
    assertThat(p)
        .containsEntry("server.port", 8080)
        .containsEntry("regen.node-id", "node-a")
        .containsEntry("regen.kafka.bootstrap-servers", "localhost:9092")
        .containsEntry("regen.schema-registry.url", "http://localhost:8081")
        .containsEntry("regen.jwt.secret", "s".repeat(40))
        .containsEntry("regen.gateway.enabled", true)
        .containsEntry("regen.streams.enabled", true)
        .containsEntry(
            "management.endpoints.web.exposure.include", "health,info,prometheus,metrics")
        .containsEntry("management.server.port", 9080)
        .containsEntry("management.server.address", "127.0.0.1")
        .containsEntry("management.endpoint.health.show-details", "always")
        .doesNotContainKeys("regen.redis.url", "regen.jwt.issuer", "regen.jwt.public-key");
  }

  @Test
  void kafkaStoreProcessorAndRecordCacheMetricsAreOffButStoreSizesAndStallsStay() {
    for (Mode mode : Mode.values()) {
      Map<String, Object> p = AppProperties.of(mode, new RegenEnvironment(Map.of()), ENDPOINTS);
      assertThat(p)
          .containsEntry("management.metrics.enable.kafka.stream.state", false)
          .containsEntry("management.metrics.enable.kafka.stream.processor", false)
          .containsEntry("management.metrics.enable.kafka.stream.record", false)
          .containsEntry("management.metrics.enable.kafka.stream.state.total.sst.files.size", true)
          .containsEntry("management.metrics.enable.kafka.stream.state.size.all.mem.tables", true)
          .containsEntry(
              "management.metrics.enable.kafka.stream.state.write.stall.duration.total", true)
          // Thread, client and task metrics (alive threads, dropped records) and the consumers'
          // lag stay on: the runbooks and alerts use them.
          .doesNotContainKeys(
              "management.metrics.enable.kafka.stream.thread",
              "management.metrics.enable.kafka.stream.task",
              "management.metrics.enable.kafka.consumer");
    }
  }

  @Test
  void anOperatorsVariableTurnsAKafkaMetricFamilyBackOn() {
    // Spring Boot binds MANAGEMENT_METRICS_ENABLE_KAFKA_STREAM_STATE to the map key
    // kafka.stream.state, and the environment outranks these default properties.
    Map<String, Object> defaults =
        AppProperties.of(Mode.UP, new RegenEnvironment(Map.of()), ENDPOINTS);
    MutablePropertySources sources = new MutablePropertySources();
    sources.addLast(
        new SystemEnvironmentPropertySource(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            Map.of("MANAGEMENT_METRICS_ENABLE_KAFKA_STREAM_STATE", "true")));
    sources.addLast(new MapPropertySource("defaultProperties", defaults));
    Map<String, Boolean> enable =
        new Binder(ConfigurationPropertySources.from(sources))
            .bind("management.metrics.enable", Bindable.mapOf(String.class, Boolean.class))
            .get();
    assertThat(enable)
        .containsEntry("kafka.stream.state", true)
        .containsEntry("kafka.stream.processor", false);
  }

  @Test
  void rolesEnableOnlyTheirPart() {
    RegenEnvironment env = new RegenEnvironment(Map.of());
    assertThat(AppProperties.of(Mode.STREAMS, env, ENDPOINTS))
        .containsEntry("regen.streams.enabled", true)
        .containsEntry("regen.gateway.enabled", false);
    assertThat(AppProperties.of(Mode.GATEWAY, env, ENDPOINTS))
        .containsEntry("regen.streams.enabled", false)
        .containsEntry("regen.gateway.enabled", true);
  }

  @Test
  void onlyUpServesTheDemo() {
    RegenEnvironment env = new RegenEnvironment(Map.of());
    assertThat(AppProperties.of(Mode.UP, env, ENDPOINTS))
        .containsEntry("regen.demo.enabled", true)
        .containsEntry("spring.web.resources.static-locations", "classpath:/regen-demo/");
    for (Mode mode : new Mode[] {Mode.GATEWAY, Mode.STREAMS}) {
      assertThat(AppProperties.of(mode, env, ENDPOINTS))
          .doesNotContainKeys("regen.demo.enabled", "spring.web.resources.static-locations");
    }
  }

  @Test
  void mapsOptionalVariables() {
    RegenEnvironment env =
        new RegenEnvironment(
            Map.of(
                "REDIS_URL", "redis://localhost:6379",
                "FRONTEND_ORIGIN", "https://app.example,https://admin.example",
                "JWT_ISSUER", "acme",
                "JWT_AUDIENCE", "acme-rt",
                "JWT_PUBLIC_KEY", "/etc/regen/jwt.pem"));
    Endpoints noSecret = new Endpoints("k:9092", "http://r:8081", 8080, null, "node-a");
    assertThat(AppProperties.of(Mode.UP, env, noSecret))
        .containsEntry("regen.redis.url", "redis://localhost:6379")
        .containsEntry("regen.gateway.allowed-origins", "https://app.example,https://admin.example")
        .containsEntry("regen.cors.allowed-origins", "https://app.example,https://admin.example")
        .containsEntry("regen.jwt.issuer", "acme")
        .containsEntry("regen.jwt.audience", "acme-rt")
        .containsEntry("regen.jwt.public-key", "/etc/regen/jwt.pem")
        .doesNotContainKey("regen.jwt.secret");
  }
}
