package io.regen.realtime.gateway.ws;

import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.gateway.GatewayExecutors;
import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.gateway.jobs.JobCommands;
import io.regen.realtime.gateway.jobs.StartJobParser;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.ServerFrames;
import io.regen.realtime.gateway.replay.JobReplay;
import java.time.Clock;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WebSocket transport's parts, wired: the handler (session factory, connection lifecycle, frame
 * router with rate limit, auth flow and job commands), the sweeper and the timers that run it.
 * Imported by the gateway's auto-configuration, which provides the registry, the job commands, the
 * executors and every {@link SessionListener} bean.
 */
@Configuration(proxyBeanMethods = false)
public class WebSocketConfiguration {
  private static final Clock CLOCK = Clock.systemUTC();
  private static final LongSupplier NANOS = System::nanoTime;

  @Bean
  SessionReplies gatewaySessionReplies(GatewayMetrics metrics, GatewayProperties props) {
    return new SessionReplies(new ServerFrames(), metrics, props);
  }

  @Bean
  public GatewayWebSocketHandler gatewayWebSocketHandler(
      GatewayProperties props,
      JwtVerifier verifier,
      ObjectProvider<EventDelivery> delivery,
      ObjectProvider<JobReplay> replay,
      JobCommands commands,
      SessionRegistry registry,
      ObjectProvider<SessionListener> listenerBeans,
      GatewayMetrics metrics,
      SessionReplies replies,
      GatewayExecutors executors) {
    EventDelivery eventDelivery = delivery.getIfAvailable();
    if (eventDelivery == null) {
      throw new IllegalStateException(
          "The WebSocket gateway needs an EventDelivery bean (DeliveryConfiguration)");
    }
    SessionListeners listeners =
        new SessionListeners(listenerBeans.orderedStream().toList(), metrics);
    AuthFlow auth =
        new AuthFlow(
            props,
            verifier,
            eventDelivery,
            registry,
            listeners,
            replies,
            metrics,
            CLOCK,
            executors.subscribe());
    JobCommandFrames jobs =
        new JobCommandFrames(
            commands,
            new StartJobParser(props.maxInputBytes(), props.maxInputEntries()),
            replay.getIfAvailable(),
            replies,
            metrics);
    FrameRouter router =
        new FrameRouter(
            JsonMapper.builder().build(),
            new FrameRateLimit(props, replies, metrics, NANOS),
            auth,
            jobs,
            replies,
            metrics,
            props.frameBurst());
    return new GatewayWebSocketHandler(
        new SessionFactory(props, executors.writer(), metrics, CLOCK, NANOS),
        new ConnectionLifecycle(props, registry, eventDelivery, listeners, replies, metrics, CLOCK),
        router,
        replies,
        metrics);
  }

  @Bean
  public SessionSweeper gatewaySessionSweeper(
      GatewayProperties props, SessionRegistry registry, SessionReplies replies) {
    return new SessionSweeper(props, registry, replies, CLOCK, NANOS);
  }

  @Bean
  public GatewayTimers gatewayTimers(
      SessionSweeper sweeper,
      JobCommands commands,
      GatewayExecutors executors,
      GatewayProperties props) {
    return new GatewayTimers(sweeper, commands, executors.timer(), props.sweepInterval());
  }
}
