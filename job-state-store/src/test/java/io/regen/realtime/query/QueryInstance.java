package io.regen.realtime.query;

import io.regen.realtime.query.internal.LocalStoreReader;
import io.regen.realtime.query.runtime.StreamsRuntime;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * One streams-role instance: a real Spring Boot app (Jetty on a random port) with the query API.
 */
final class QueryInstance implements AutoCloseable {
  static final String JWT_SECRET = "query-it-secret-of-at-least-32-bytes!!";

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  final ConfigurableApplicationContext context;
  final int port;
  final String instanceId;
  private boolean closed;

  private QueryInstance(ConfigurableApplicationContext context, String instanceId) {
    this.context = context;
    this.instanceId = instanceId;
    this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  static QueryInstance start(
      TestKafka kafka,
      String applicationId,
      String instanceId,
      Path stateDir,
      Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>();
    props.put("server.port", 0);
    props.put("spring.main.banner-mode", "off");
    props.put("regen.streams.enabled", true);
    props.put("regen.streams.application-id", applicationId);
    props.put("regen.streams.instance-id", instanceId);
    props.put("regen.streams.state-dir", stateDir.toString());
    props.put("regen.streams.session-timeout", "6s");
    props.put("regen.streams.metrics-refresh", "1s");
    props.put("regen.streams.replication-factor", kafka.brokers() > 1 ? 3 : 1);
    props.put("regen.kafka.bootstrap-servers", kafka.bootstrap());
    props.put("regen.jwt.secret", JWT_SECRET);
    props.put("management.endpoints.web.exposure.include", "health,prometheus");
    props.put("management.endpoint.health.show-details", "always");
    props.put("logging.level.org.apache.kafka", "WARN");
    props.putAll(extra);
    SchemaRegistryClient registry = kafka.registry;
    SpringApplication app =
        new SpringApplicationBuilder(App.class)
            .properties(props)
            .initializers(
                ctx -> {
                  ctx.getBeanFactory().registerSingleton("schemaRegistryClient", registry);
                  ctx.getBeanFactory().addBeanPostProcessor(COUNT_STORE_READS);
                  ctx.getBeanFactory().registerSingleton("springMvcDispatches", new MvcCounter());
                })
            .build();
    return new QueryInstance(app.run(), instanceId);
  }

  /** Wraps the instance's store reader so that {@link #storeReads} counts its reads. */
  private static final BeanPostProcessor COUNT_STORE_READS =
      new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String name) {
          return bean instanceof LocalStoreReader real && !(bean instanceof CountingStoreReader)
              ? new CountingStoreReader(real)
              : bean;
        }
      };

  /**
   * Counts the requests Spring MVC's handlers take (an interceptor on every handler), so a test can
   * tell a fast-path filter's answer from Spring MVC's.
   */
  static final class MvcCounter implements WebMvcConfigurer, HandlerInterceptor {
    private final AtomicLong handled = new AtomicLong();

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
      registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(
        HttpServletRequest request, HttpServletResponse response, Object handler) {
      handled.incrementAndGet();
      return true;
    }
  }

  /** How many requests Spring MVC's handlers have taken so far. */
  long springMvcDispatches() {
    return context.getBean(MvcCounter.class).handled.get();
  }

  /** The reads of this instance's own stores (its answers and the reads forwarded to it). */
  CountingStoreReader storeReads() {
    return context.getBean(CountingStoreReader.class);
  }

  StreamsRuntime runtime() {
    return context.getBean(StreamsRuntime.class);
  }

  boolean running() {
    return !closed && runtime().state() == KafkaStreams.State.RUNNING;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      context.close();
    }
  }
}
