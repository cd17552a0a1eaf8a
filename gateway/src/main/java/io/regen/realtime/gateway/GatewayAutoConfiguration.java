package io.regen.realtime.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.gateway.auth.AccessTokenHidingJettyCustomizer;
import io.regen.realtime.gateway.auth.JwtSettingsResolver;
import io.regen.realtime.gateway.auth.OriginPolicy;
import io.regen.realtime.gateway.delivery.DeliveryConfiguration;
import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.gateway.delivery.JobReplay;
import io.regen.realtime.gateway.extension.ClientFrameExtension;
import io.regen.realtime.gateway.http.BearerAuth;
import io.regen.realtime.gateway.http.HttpAuthConfiguration;
import io.regen.realtime.gateway.jobs.HttpJobOwnerLookup;
import io.regen.realtime.gateway.jobs.JobCommands;
import io.regen.realtime.gateway.jobs.JobOwnerLookup;
import io.regen.realtime.gateway.jobs.JobRequestPublisher;
import io.regen.realtime.gateway.jobs.JobsController;
import io.regen.realtime.gateway.jobs.StartJobParser;
import io.regen.realtime.gateway.limits.UserRateLimiter;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.presence.PresenceConfiguration;
import io.regen.realtime.gateway.presence.PresenceRecorder;
import io.regen.realtime.gateway.sessions.SessionEventPublisher;
import io.regen.realtime.gateway.sessions.SessionsConfiguration;
import io.regen.realtime.gateway.ws.GatewayHandshakeInterceptor;
import io.regen.realtime.gateway.ws.GatewayTimers;
import io.regen.realtime.gateway.ws.GatewayWebSocketHandler;
import io.regen.realtime.gateway.ws.PresenceSessionListener;
import io.regen.realtime.gateway.ws.SessionEventsListener;
import io.regen.realtime.gateway.ws.SessionListener;
import io.regen.realtime.gateway.ws.SessionRegistry;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.server.jetty.JettyRequestUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
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
@EnableWebSocket
@Import({
  DeliveryConfiguration.class,
  PresenceConfiguration.class,
  SessionsConfiguration.class,
  HttpAuthConfiguration.class
})
public class GatewayAutoConfiguration {
  /** The gateway's own JSON mapper (not a bean: the application's mapper stays its own). */
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @Bean
  @ConditionalOnMissingBean
  public JwtVerifier jwtVerifier(Environment env) {
    return new JwtVerifier(JwtSettingsResolver.from(env));
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
    return registry;
  }

  @Bean(destroyMethod = "close")
  public GatewayExecutors gatewayExecutors(GatewayProperties props) {
    return new GatewayExecutors(props.writerThreads());
  }

  @Bean(destroyMethod = "close")
  public JobRequestPublisher jobRequestPublisher(Environment env, SchemaRegistryClient registry) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, GatewayEnvironment.bootstrapServers(env));
    config.put(
        ProducerConfig.CLIENT_ID_CONFIG, "gateway-requests-" + GatewayEnvironment.nodeId(env));
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    // Bounded waits: a start_job during a broker outage fails with an error frame, never hangs.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
    KafkaProducer<String, JobRequest> producer =
        new KafkaProducer<>(
            config,
            new StringSerializer(),
            new RegistrySerdes(registry).valueSerializer(Topics.JOB_REQUESTS));
    return new JobRequestPublisher(producer);
  }

  @Bean
  @ConditionalOnMissingBean
  public JobOwnerLookup jobOwnerLookup(GatewayProperties props, Environment env) {
    return new HttpJobOwnerLookup(
        () -> GatewayEnvironment.stateUrl(props, env), props.stateTimeout(), JSON);
  }

  @Bean
  public JobCommands jobCommands(
      GatewayProperties props, JobRequestPublisher publisher, JobOwnerLookup ownerLookup) {
    return new JobCommands(
        publisher,
        ownerLookup,
        new UserRateLimiter(props.startJobsPerMinute()),
        props.idempotencyCacheSize(),
        props.ownedJobsCacheSize(),
        Clock.systemUTC());
  }

  @Bean
  public JobsController gatewayJobsController(
      JobCommands commands, BearerAuth auth, GatewayProperties props) {
    return new JobsController(
        commands, auth, new StartJobParser(props.maxInputBytes(), props.maxInputEntries()), JSON);
  }

  @Bean
  public GatewayWebSocketHandler gatewayWebSocketHandler(
      GatewayProperties props,
      JwtVerifier verifier,
      ObjectProvider<EventDelivery> delivery,
      ObjectProvider<JobReplay> replay,
      JobCommands commands,
      SessionRegistry registry,
      ObjectProvider<SessionListener> listeners,
      ObjectProvider<PresenceRecorder> presence,
      ObjectProvider<SessionEventPublisher> sessionEvents,
      Environment env,
      GatewayMetrics metrics,
      GatewayExecutors executors) {
    EventDelivery eventDelivery = delivery.getIfAvailable();
    if (eventDelivery == null) {
      throw new IllegalStateException(
          "The WebSocket gateway needs an EventDelivery bean (DeliveryConfiguration)");
    }
    List<SessionListener> all = new ArrayList<>(listeners.orderedStream().toList());
    presence.ifAvailable(recorder -> all.add(new PresenceSessionListener(recorder)));
    String node = GatewayEnvironment.nodeId(env);
    sessionEvents.ifAvailable(publisher -> all.add(new SessionEventsListener(publisher, node)));
    return new GatewayWebSocketHandler(
        props,
        verifier,
        eventDelivery,
        replay.getIfAvailable(),
        commands,
        registry,
        all,
        metrics,
        JSON,
        executors.writer(),
        Clock.systemUTC(),
        System::nanoTime);
  }

  /** Hands the frame types contributed by other modules to the handler once all beans exist. */
  @Bean
  public SmartInitializingSingleton gatewayFrameExtensions(
      GatewayWebSocketHandler handler, ObjectProvider<ClientFrameExtension> extensions) {
    return () -> handler.extensions(extensions.orderedStream().toList());
  }

  @Bean
  public GatewayTimers gatewayTimers(
      GatewayWebSocketHandler handler,
      JobCommands commands,
      GatewayExecutors executors,
      GatewayProperties props) {
    return new GatewayTimers(handler, commands, executors.timer(), props.sweepInterval());
  }

  @Bean
  public GatewayHandshakeInterceptor gatewayHandshakeInterceptor(
      GatewayProperties props,
      Environment env,
      SessionRegistry registry,
      JwtVerifier verifier,
      GatewayMetrics metrics) {
    return new GatewayHandshakeInterceptor(
        new OriginPolicy(GatewayEnvironment.allowedOrigins(props, env)),
        registry,
        verifier,
        metrics,
        props.maxConnectionsPerIp());
  }

  @Bean
  public WebSocketConfigurer gatewayWebSocketConfigurer(
      GatewayProperties props,
      GatewayWebSocketHandler handler,
      GatewayHandshakeInterceptor interceptor) {
    JettyRequestUpgradeStrategy upgrade = new JettyRequestUpgradeStrategy();
    upgrade.addWebSocketConfigurer(
        c -> {
          c.setMaxTextMessageSize(props.maxTextMessageBytes());
          c.setMaxBinaryMessageSize(props.maxTextMessageBytes());
          c.setInputBufferSize(props.inputBufferBytes());
          c.setOutputBufferSize(props.outputBufferBytes());
          c.setIdleTimeout(props.idleTimeout());
        });
    return registry ->
        registry
            .addHandler(handler, props.path())
            .setHandshakeHandler(new DefaultHandshakeHandler(upgrade))
            .addInterceptors(interceptor)
            // Origins are checked by the interceptor (which also counts refusals).
            .setAllowedOriginPatterns("*");
  }

  @Bean
  public static AccessTokenHidingJettyCustomizer gatewayAccessTokenHidingJettyCustomizer() {
    return new AccessTokenHidingJettyCustomizer();
  }
}
