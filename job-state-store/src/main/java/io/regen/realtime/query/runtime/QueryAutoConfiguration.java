package io.regen.realtime.query.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.query.AnalyticsService;
import io.regen.realtime.query.QueryService;
import io.regen.realtime.query.internal.HttpRemoteStoreClient;
import io.regen.realtime.query.internal.IqV1LocalStoreReader;
import io.regen.realtime.query.internal.KafkaStoreLocator;
import io.regen.realtime.query.internal.LocalStoreReader;
import io.regen.realtime.query.internal.ServiceCredential;
import io.regen.realtime.query.web.AnalyticsController;
import io.regen.realtime.query.web.InternalJobReadFilter;
import io.regen.realtime.query.web.InternalQueryController;
import io.regen.realtime.query.web.JobLookupFilter;
import io.regen.realtime.query.web.JobQueryController;
import io.regen.realtime.query.web.QueryExceptionHandler;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.streams.RegenTopology;
import io.regen.realtime.streams.StreamsSettings;
import io.regen.realtime.streams.TopologySettings;
import jakarta.servlet.Filter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The streams role: runs Kafka Streams over the processors' topology in this application and serves
 * the query API ({@code /api/job/**}, {@code /api/users/**}, {@code /api/analytics/**}) on the
 * application's HTTP port, the instance-to-instance {@code /internal/query/**} on a separate
 * listener with a service credential ({@link InternalListener}, {@link InternalQueryGuard}), health
 * ({@code streams}) and metrics. Enabled by {@code regen.streams.enabled=true}; needs {@code
 * regen.kafka.bootstrap-servers}, {@code regen.schema-registry.url} (unless a {@link
 * SchemaRegistryClient} bean exists) and {@code regen.jwt.*} (unless a {@link JwtVerifier} bean
 * exists).
 */
@AutoConfiguration
@ConditionalOnProperty(name = "regen.streams.enabled", havingValue = "true")
@EnableConfigurationProperties(StreamsProperties.class)
public class QueryAutoConfiguration {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(QueryAutoConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  SchemaRegistryClient schemaRegistryClient(Environment env) {
    String url = env.getProperty("regen.schema-registry.url");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("regen.schema-registry.url must be set for the streams role");
    }
    return new HttpSchemaRegistryClient(url);
  }

  @Bean
  @ConditionalOnMissingBean
  JwtVerifier jwtVerifier(Environment env) {
    // The same reader as the gateway's, so both honour the same clock skew and maximum lifetime.
    return new JwtVerifier(JwtSettings.fromProperties(env::getProperty));
  }

  @Bean
  StreamsRuntime regenStreamsRuntime(
      StreamsProperties properties, SchemaRegistryClient registry, Environment env) {
    String bootstrap = env.getProperty("regen.kafka.bootstrap-servers");
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalStateException(
          "regen.kafka.bootstrap-servers must be set for the streams role");
    }
    String instanceId = properties.instanceId();
    if (instanceId == null || instanceId.isBlank()) {
      instanceId = env.getProperty("regen.node-id", hostName());
    }
    StreamsSettings settings =
        properties.toSettings(bootstrap, instanceId, properties.applicationServer());
    TopologySettings topology =
        TopologySettings.defaults(new RegistrySerdes(registry))
            .withGrace(properties.grace())
            .withJobEventsPartitions(
                TopicPartitionCount.of(
                    bootstrap, Topics.JOB_EVENTS.name(), Duration.ofSeconds(10)));
    return new StreamsRuntime(RegenTopology.build(topology), settings, Duration.ofSeconds(30));
  }

  @Bean
  StreamsStarter regenStreamsStarter(
      StreamsRuntime runtime,
      StreamsProperties properties,
      Environment env,
      InternalListener internal) {
    return new StreamsStarter(
        runtime, properties, env.getProperty("server.port", Integer.class, 8082), internal);
  }

  @Bean
  static InternalListener regenInternalQueryListener(Environment env) {
    // Static and read from the environment: web server customizers exist before properties bind.
    return new InternalListener(
        env.getProperty("regen.streams.internal-address", "127.0.0.1"),
        env.getProperty("regen.streams.internal-port", Integer.class, 0));
  }

  @Bean
  ServiceCredential regenServiceCredential(StreamsProperties properties, Environment env) {
    if (properties.internalSecret() != null) {
      return new ServiceCredential(properties.internalSecret());
    }
    JwtSettings jwt = JwtSettings.fromProperties(env::getProperty);
    if (jwt.secret() != null) {
      return ServiceCredential.derivedFrom(jwt.secret());
    }
    log.warn(
        "regen.streams.internal-secret is not set and JWT verification uses a public key: this"
            + " instance uses a random internal credential, other instances cannot query it");
    return ServiceCredential.random();
  }

  @Bean
  FilterRegistrationBean<InternalQueryGuard> regenInternalQueryGuard(
      InternalListener listener, ServiceCredential credential) {
    FilterRegistrationBean<InternalQueryGuard> registration =
        new FilterRegistrationBean<>(new InternalQueryGuard(listener, credential));
    registration.addUrlPatterns("/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  LocalStoreReader regenLocalStoreReader(StreamsRuntime runtime) {
    return new IqV1LocalStoreReader(runtime::streams);
  }

  /** Closed with the context (its client threads and pooled connections). */
  @Bean
  HttpRemoteStoreClient regenRemoteStoreClient(
      StreamsProperties properties, ServiceCredential credential) {
    return new HttpRemoteStoreClient(
        properties.connectTimeout(),
        properties.queryTimeout(),
        properties.minPositionWait(),
        credential);
  }

  @Bean
  QueryService regenQueryService(
      StreamsRuntime runtime,
      LocalStoreReader local,
      StreamsProperties properties,
      HttpRemoteStoreClient remote) {
    KafkaStoreLocator locator =
        new KafkaStoreLocator(
            runtime::streams, runtime::self, runtime.applicationId(), runtime.topology());
    return new QueryService(runtime::state, locator, local, remote, properties.minPositionWait());
  }

  @Bean
  AnalyticsService regenAnalyticsService(QueryService queries, StreamsProperties properties) {
    return new AnalyticsService(queries, properties.maxRangeEntries());
  }

  // Conditional: the gateway, in the same application under `up`, needs the same one.
  @Bean
  @ConditionalOnMissingBean
  BearerAuthenticator regenBearerAuthenticator(JwtVerifier verifier) {
    return new BearerAuthenticator(verifier);
  }

  @Bean
  JobQueryController regenJobQueryController(
      QueryService queries, BearerAuthenticator auth, StreamsProperties properties) {
    return new JobQueryController(queries, auth, properties.maxPageSize());
  }

  @Bean
  AnalyticsController regenAnalyticsController(
      AnalyticsService analytics, BearerAuthenticator auth, StreamsProperties properties) {
    return new AnalyticsController(analytics, auth, properties.maxRangeDays(), Clock.systemUTC());
  }

  @Bean
  InternalQueryController regenInternalQueryController(
      QueryService queries, BearerAuthenticator auth, StreamsProperties properties) {
    return new InternalQueryController(queries, auth, properties.maxRangeEntries());
  }

  /**
   * Order {@code HIGHEST_PRECEDENCE + 20}: behind the gateway's REST edge under {@code up} ({@code
   * HIGHEST_PRECEDENCE + 10}), whose verified caller it passes on, and behind Spring Boot's {@code
   * http.server.requests} observation ({@code HIGHEST_PRECEDENCE + 1}) in every role.
   */
  @Bean
  FilterRegistrationBean<JobLookupFilter> regenJobLookupFilter(
      JobQueryController controller,
      QueryExceptionHandler errors,
      ObjectProvider<JsonMapper> json) {
    return lookupFilter(
        new JobLookupFilter(controller, errors, writer(json)), JobLookupFilter.URL_PATTERN);
  }

  /**
   * Order {@code HIGHEST_PRECEDENCE + 20}: behind {@link InternalQueryGuard} ({@code
   * HIGHEST_PRECEDENCE}), which keeps the path to the internal listener and checks the service
   * credential, and behind the {@code http.server.requests} observation.
   */
  @Bean
  FilterRegistrationBean<InternalJobReadFilter> regenInternalJobReadFilter(
      InternalQueryController controller,
      QueryExceptionHandler errors,
      ObjectProvider<JsonMapper> json) {
    return lookupFilter(
        new InternalJobReadFilter(controller, errors, writer(json)),
        InternalJobReadFilter.URL_PATTERN);
  }

  /** A lookup fast path at {@code HIGHEST_PRECEDENCE + 20} for one URL pattern. */
  private static <F extends Filter> FilterRegistrationBean<F> lookupFilter(
      F filter, String urlPattern) {
    FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns(urlPattern);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
    return registration;
  }

  /** The application's JSON writer (the one Spring MVC's converter uses), else a default one. */
  private static ObjectWriter writer(ObjectProvider<JsonMapper> json) {
    return json.getIfAvailable(() -> JsonMapper.builder().build()).writer();
  }

  @Bean
  QueryExceptionHandler regenQueryExceptionHandler() {
    return new QueryExceptionHandler();
  }

  @Bean(name = "streamsHealthIndicator")
  StreamsHealthIndicator streamsHealthIndicator(StreamsRuntime runtime) {
    return new StreamsHealthIndicator(runtime);
  }

  @Bean
  QueryMetrics regenQueryMetrics(
      ObjectProvider<MeterRegistry> registry,
      StreamsRuntime runtime,
      LocalStoreReader local,
      StreamsProperties properties) {
    MeterRegistry meters =
        registry.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new);
    return new QueryMetrics(
        meters,
        runtime,
        local,
        Clock.systemUTC(),
        Math.max(1, properties.metricsRefresh().toSeconds()));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "streams";
    }
  }
}
