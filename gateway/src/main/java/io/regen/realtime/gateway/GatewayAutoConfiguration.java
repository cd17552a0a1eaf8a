package io.regen.realtime.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.gateway.auth.AccessTokenHidingJettyCustomizer;
import io.regen.realtime.gateway.auth.JwtSettingsResolver;
import io.regen.realtime.gateway.auth.OriginPolicy;
import io.regen.realtime.gateway.delivery.DeliveryConfiguration;
import io.regen.realtime.gateway.extension.ClientFrameExtension;
import io.regen.realtime.gateway.http.BearerAuth;
import io.regen.realtime.gateway.http.ClientAddresses;
import io.regen.realtime.gateway.http.EdgeConfiguration;
import io.regen.realtime.gateway.http.HttpAuthConfiguration;
import io.regen.realtime.gateway.jobs.CachingJobDirectory;
import io.regen.realtime.gateway.jobs.InMemoryJobDirectory;
import io.regen.realtime.gateway.jobs.JobCommands;
import io.regen.realtime.gateway.jobs.JobRequestPublisher;
import io.regen.realtime.gateway.jobs.JobsController;
import io.regen.realtime.gateway.jobs.QueryApiJobDirectory;
import io.regen.realtime.gateway.jobs.StartJobParser;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.gateway.limits.UserRateLimiter;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.presence.PresenceConfiguration;
import io.regen.realtime.gateway.presence.PresenceRecorder;
import io.regen.realtime.gateway.replay.ReplayConfiguration;
import io.regen.realtime.gateway.sessions.SessionEventPublisher;
import io.regen.realtime.gateway.sessions.SessionsConfiguration;
import io.regen.realtime.gateway.startup.FirstUseWarmup;
import io.regen.realtime.gateway.startup.GatewayWarmupSteps;
import io.regen.realtime.gateway.ws.GatewayUpgradeCreator;
import io.regen.realtime.gateway.ws.GatewayWebSocketHandler;
import io.regen.realtime.gateway.ws.JettyWebSocketUpgrade;
import io.regen.realtime.gateway.ws.PresenceSessionListener;
import io.regen.realtime.gateway.ws.SessionEventsListener;
import io.regen.realtime.gateway.ws.SessionListener;
import io.regen.realtime.gateway.ws.SessionRegistry;
import io.regen.realtime.gateway.ws.WebSocketConfiguration;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WebSocket gateway: protocol v1 at {@code regen.gateway.path} (default {@code /ws}) on the
 * application's HTTP port, {@code POST /api/jobs}, metrics, and the delivery, presence and session
 * configurations of this module. Active with {@code regen.gateway.enabled=true}.
 */
@AutoConfiguration
@ConditionalOnProperty(name = "regen.gateway.enabled", havingValue = "true")
@EnableConfigurationProperties(GatewayProperties.class)
@Import({
  DeliveryConfiguration.class,
  ReplayConfiguration.class,
  PresenceConfiguration.class,
  SessionsConfiguration.class,
  HttpAuthConfiguration.class,
  WebSocketConfiguration.class,
  EdgeConfiguration.class,
  QueryApiProxyConfiguration.class
})
public class GatewayAutoConfiguration {
  /** The gateway's own JSON mapper (not a bean: the application's mapper stays its own). */
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** Longest the start waits for the warm-up; measured ~1 s under load, it never blocks a start. */
  private static final Duration WARMUP_BUDGET = Duration.ofSeconds(10);

  @Bean
  @ConditionalOnMissingBean
  public JwtVerifier jwtVerifier(Environment env) {
    return new JwtVerifier(JwtSettingsResolver.from(env));
  }

  /**
   * Warms the first-use paths before the web server accepts clients (see {@link FirstUseWarmup}); a
   * verifier bean of the application's own with settings the environment cannot give still gets the
   * refused-token warm-up.
   */
  @Bean
  public FirstUseWarmup gatewayFirstUseWarmup(JwtVerifier verifier, Environment env) {
    JwtSettings settings;
    try {
      settings = JwtSettingsResolver.from(env);
    } catch (RuntimeException e) {
      settings = null;
    }
    return new FirstUseWarmup(GatewayWarmupSteps.of(verifier, settings), WARMUP_BUDGET);
  }

  @Bean
  @ConditionalOnMissingBean
  public SchemaRegistryClient schemaRegistryClient(Environment env) {
    String url = GatewayEnvironment.schemaRegistryUrl(env);
    if (url == null) {
      throw new IllegalStateException(
          "The gateway needs regen.schema-registry.url (or a SchemaRegistryClient bean)");
    }
    return new HttpSchemaRegistryClient(url);
  }

  @Bean
  public GatewayMetrics gatewayMetrics(ObjectProvider<MeterRegistry> meters) {
    return new GatewayMetrics(meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean
  public SessionRegistry gatewaySessionRegistry(GatewayMetrics metrics) {
    SessionRegistry registry = new SessionRegistry();
    metrics.activeConnections(registry::size);
    metrics.queuedFrames(registry::queuedFrames);
    return registry;
  }

  @Bean(destroyMethod = "close")
  public GatewayExecutors gatewayExecutors(GatewayProperties props) {
    return new GatewayExecutors(props.writerThreads());
  }

  @Bean(destroyMethod = "close")
  public JobRequestPublisher jobRequestPublisher(
      Environment env, GatewayKafkaClients clients, SchemaRegistryClient registry) {
    KafkaProducer<String, JobRequest> producer =
        clients.requestProducer(
            "gateway-requests-" + GatewayEnvironment.nodeId(env),
            new RegistrySerdes(registry).valueSerializer(Topics.JOB_REQUESTS));
    return new JobRequestPublisher(producer);
  }

  /** What this node knows of jobs: those started here, and first events seen live. */
  @Bean
  public InMemoryJobDirectory jobSightings(GatewayProperties props) {
    return new InMemoryJobDirectory(props.ownedJobsCacheSize());
  }

  // Primary: jobSightings is a JobDirectory too, but asking it alone would miss every job this
  // node neither started nor saw start.
  @Bean
  @Primary
  public CachingJobDirectory jobDirectory(
      InMemoryJobDirectory jobSightings, GatewayProperties props, Environment env) {
    return new CachingJobDirectory(
        jobSightings,
        new QueryApiJobDirectory(
            () -> GatewayEnvironment.stateUrl(props, env), props.stateTimeout()));
  }

  @Bean
  public JobCommands jobCommands(
      GatewayProperties props, JobRequestPublisher publisher, CachingJobDirectory jobDirectory) {
    return new JobCommands(
        publisher,
        jobDirectory,
        new UserRateLimiter(props.startJobsPerMinute()),
        props.idempotencyCacheSize(),
        Clock.systemUTC());
  }

  @Bean
  public JobsController gatewayJobsController(
      JobCommands commands, BearerAuth auth, GatewayProperties props) {
    return new JobsController(
        commands, auth, new StartJobParser(props.maxInputBytes(), props.maxInputEntries()), JSON);
  }

  @Bean
  public SessionListener gatewayPresenceSessionListener(ObjectProvider<PresenceRecorder> presence) {
    PresenceRecorder recorder = presence.getIfAvailable();
    return recorder == null ? SessionListener.NONE : new PresenceSessionListener(recorder);
  }

  /** Hands the frame types contributed by other modules to the handler once all beans exist. */
  @Bean
  public SmartInitializingSingleton gatewayFrameExtensions(
      GatewayWebSocketHandler handler, ObjectProvider<ClientFrameExtension> extensions) {
    return () -> handler.extensions(extensions.orderedStream().toList());
  }

  @Bean
  public SessionListener gatewaySessionEventsListener(
      ObjectProvider<SessionEventPublisher> sessionEvents, Environment env) {
    SessionEventPublisher publisher = sessionEvents.getIfAvailable();
    return publisher == null
        ? SessionListener.NONE
        : new SessionEventsListener(publisher, GatewayEnvironment.nodeId(env));
  }

  /** Installs the WebSocket upgrade in Jetty, in front of the servlet context. */
  @Bean
  public static JettyWebSocketUpgrade gatewayJettyWebSocketUpgrade() {
    return new JettyWebSocketUpgrade();
  }

  @Bean
  public GatewayUpgradeCreator gatewayUpgradeCreator(
      GatewayProperties props,
      Environment env,
      SessionRegistry registry,
      JwtVerifier verifier,
      GatewayMetrics metrics,
      ClientAddresses addresses,
      GatewayWebSocketHandler handler,
      JettyWebSocketUpgrade upgrade) {
    GatewayUpgradeCreator creator =
        new GatewayUpgradeCreator(
            handler,
            new OriginPolicy(GatewayEnvironment.allowedOrigins(props, env)),
            registry,
            verifier,
            metrics,
            props.maxConnectionsPerIp(),
            addresses);
    upgrade.serve(props, creator);
    return creator;
  }

  @Bean
  public static AccessTokenHidingJettyCustomizer gatewayAccessTokenHidingJettyCustomizer() {
    return new AccessTokenHidingJettyCustomizer();
  }
}
