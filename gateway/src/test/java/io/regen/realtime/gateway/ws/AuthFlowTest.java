package io.regen.realtime.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.delivery.ClientSession;
import io.regen.realtime.gateway.delivery.DeliveryUnavailableException;
import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.gateway.jobs.CachingJobDirectory;
import io.regen.realtime.gateway.jobs.InMemoryJobDirectory;
import io.regen.realtime.gateway.jobs.JobCommands;
import io.regen.realtime.gateway.jobs.JobRequestPublisher;
import io.regen.realtime.gateway.jobs.StartJobParser;
import io.regen.realtime.gateway.limits.TokenBucket;
import io.regen.realtime.gateway.limits.UserRateLimiter;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.ServerFrames;
import io.regen.realtime.gateway.testapp.TestJobRequestProducers;
import io.regen.realtime.gateway.testapp.TestTokens;
import io.regen.realtime.gateway.ws.WebSocketClientSessionTest.ManualSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.Test;

/**
 * The first auth's subscribe completes after the auth frame has been handled (the reader thread is
 * never parked): what the client sees while it is pending, when it fails, and when the connection
 * closes before it completes.
 */
class AuthFlowTest {
  private static final String USER = "alice";

  /** A delivery whose subscribes complete when the test says so. */
  static final class PendingDelivery implements EventDelivery {
    final List<CompletableFuture<Subscription>> pending = new ArrayList<>();
    final List<ClientSession> unsubscribed = new ArrayList<>();
    final List<ClientSession> started = new ArrayList<>();

    @Override
    public CompletableFuture<Subscription> subscribeAsync(ClientSession session, String cursor) {
      CompletableFuture<Subscription> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }

    @Override
    public void unsubscribe(ClientSession session) {
      unsubscribed.add(session);
    }

    Subscription subscription(ClientSession session) {
      return new Subscription() {
        @Override
        public boolean resumed() {
          return false;
        }

        @Override
        public String latestCursor() {
          return "v1.0.41";
        }

        @Override
        public void start() {
          started.add(session);
        }
      };
    }
  }

  /** Counts what the listeners hear, in order. */
  static final class RecordingListener implements SessionListener {
    final List<String> heard = new ArrayList<>();

    @Override
    public void started(WebSocketClientSession session) {
      heard.add("started");
    }

    @Override
    public void ended(WebSocketClientSession session, Duration duration, int closeCode) {
      heard.add("ended");
    }
  }

  private final GatewayProperties props = GatewayProperties.defaults();
  private final GatewayMetrics metrics = GatewayMetrics.noop();
  private final SessionReplies replies = new SessionReplies(new ServerFrames(), metrics, props);
  private final AtomicLong nanos = new AtomicLong();
  private final PendingDelivery delivery = new PendingDelivery();
  private final SessionRegistry registry = new SessionRegistry();
  private final RecordingListener listener = new RecordingListener();
  private final SessionListeners listeners = new SessionListeners(List.of(listener), metrics);
  private final MockProducer<String, JobRequest> producer = TestJobRequestProducers.acknowledging();
  private final FrameRouter router =
      new FrameRouter(
          tools.jackson.databind.json.JsonMapper.builder().build(),
          new FrameRateLimit(props, replies, metrics, nanos::get),
          new AuthFlow(
              props,
              new JwtVerifier(JwtSettings.hs256(TestTokens.SECRET)),
              delivery,
              registry,
              listeners,
              replies,
              metrics,
              Clock.systemUTC(),
              Runnable::run),
          new JobCommandFrames(
              new JobCommands(
                  new JobRequestPublisher(producer),
                  new CachingJobDirectory(
                      new InMemoryJobDirectory(100),
                      (jobId, token) -> CompletableFuture.completedFuture(Optional.empty())),
                  new UserRateLimiter(30),
                  100,
                  Clock.systemUTC()),
              new StartJobParser(props.maxInputBytes(), props.maxInputEntries()),
              null,
              replies,
              metrics),
          replies,
          metrics,
          props.frameBurst());
  private final ConnectionLifecycle lifecycle =
      new ConnectionLifecycle(
          props, registry, delivery, listeners, replies, metrics, Clock.systemUTC());
  private final ManualSocket socket = new ManualSocket();
  private final WebSocketClientSession session =
      new WebSocketClientSession(
          "s1",
          "127.0.0.1",
          socket,
          Runnable::run,
          metrics,
          props.outboundQueueFrames(),
          props.outboundQueueBytes(),
          new TokenBucket(props.frameBurst(), props.framesPerSecond(), 0),
          0,
          Instant.EPOCH);

  AuthFlowTest() {
    socket.autoComplete = true;
    lifecycle.opened(session);
  }

  private void auth() {
    router.onText(session, "{\"type\":\"auth\",\"token\":\"" + TestTokens.valid(USER) + "\"}");
  }

  @Test
  void framesSentWhileTheSubscribeIsPendingAreAnsweredAfterTheWelcomeInArrivalOrder() {
    auth();
    router.onText(session, "{\"type\":\"ping\",\"id\":\"p1\"}");
    router.onText(
        session, "{\"type\":\"start_job\",\"id\":\"j1\",\"jobType\":\"model\",\"input\":{}}");
    router.onText(
        session, "{\"type\":\"auth\",\"id\":\"r1\",\"token\":\"" + TestTokens.valid(USER) + "\"}");
    router.onText(session, "{\"type\":\"ping\",\"id\":\"p2\"}");
    assertThat(socket.written).as("nothing before the subscribe's outcome").isEmpty();
    assertThat(producer.history()).as("the start_job waits too").isEmpty();

    delivery.pending.get(0).complete(delivery.subscription(session));

    assertThat(socket.written).hasSize(5);
    assertThat(socket.written.get(0)).contains("\"type\":\"welcome\"").contains("v1.0.41");
    assertThat(socket.written.get(1)).contains("\"type\":\"pong\"").contains("p1");
    assertThat(socket.written.get(2)).contains("\"type\":\"ack\"").contains("j1");
    assertThat(socket.written.get(3)).contains("\"type\":\"reauthed\"").contains("r1");
    assertThat(socket.written.get(4)).contains("\"type\":\"pong\"").contains("p2");
    assertThat(delivery.started).containsExactly(session);
    assertThat(listener.heard).containsExactly("started");
    assertThat(producer.history()).hasSize(1);

    router.onText(session, "{\"type\":\"ping\",\"id\":\"p3\"}");
    assertThat(socket.written).as("after the welcome: answered at once").hasSize(6);
    assertThat(socket.written.get(5)).contains("p3");
  }

  @Test
  void aCloseWhileTheSubscribeIsPendingReleasesItsCountAndItsSubscription() {
    auth();
    router.onText(session, "{\"type\":\"ping\",\"id\":\"p1\"}");
    assertThat(registry.connectionsOf(USER)).isEqualTo(1);

    lifecycle.closed(session, 1001);
    assertThat(registry.connectionsOf(USER)).as("per-user count released").isZero();
    assertThat(registry.size()).isZero();
    assertThat(delivery.unsubscribed).as("pending subscribe cancelled").containsExactly(session);

    // The look-ups complete after the close anyway: undone, never started, nothing sent.
    delivery.pending.get(0).complete(delivery.subscription(session));
    assertThat(delivery.started).isEmpty();
    assertThat(delivery.unsubscribed).containsExactly(session, session);
    assertThat(listener.heard).as("never started after ended").containsExactly("ended");
    assertThat(socket.written).isEmpty();
    assertThat(session.welcomeGate().pending()).isFalse();
  }

  @Test
  void aSubscribeCancelledByTheCloseSendsNothing() {
    auth();
    lifecycle.closed(session, 1001);
    delivery.pending.get(0).completeExceptionally(new CancellationException("unsubscribed"));
    assertThat(socket.written).isEmpty();
    assertThat(socket.closes).isEmpty();
    assertThat(listener.heard).containsExactly("ended");
  }

  @Test
  void anUnavailableBrokerAnswersUnavailableWithRetryAfterClosesAndDropsTheHeldFrames() {
    auth();
    router.onText(session, "{\"type\":\"ping\",\"id\":\"p1\"}");
    delivery
        .pending
        .get(0)
        .completeExceptionally(new DeliveryUnavailableException("no leader", 1_000, null));

    assertThat(socket.written).hasSize(1);
    assertThat(socket.written.get(0))
        .contains("\"code\":\"unavailable\"")
        .contains("\"retryAfterMs\":1000");
    assertThat(socket.closes).containsExactly(1011);
    assertThat(delivery.started).isEmpty();
    assertThat(listener.heard).isEmpty();
    assertThat(session.welcomeGate().pending()).isFalse();
  }

  @Test
  void anInternalFailureAnswersInternalAndCloses() {
    auth();
    delivery.pending.get(0).completeExceptionally(new IllegalStateException("not started"));
    assertThat(socket.written).hasSize(1);
    assertThat(socket.written.get(0)).contains("\"code\":\"internal\"");
    assertThat(socket.closes).containsExactly(1011);
    assertThat(listener.heard).isEmpty();
  }

  @Test
  void moreFramesThanTheBurstWhileTheSubscribeIsPendingCloseWithPolicy() {
    auth();
    for (int i = 1; i < props.frameBurst(); i++) {
      router.onText(session, "{\"type\":\"ping\",\"id\":\"p" + i + "\"}");
    }
    assertThat(socket.written).isEmpty();
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(10)); // tokens again; the hold is the bound now
    router.onText(session, "{\"type\":\"ping\",\"id\":\"last-held\"}");
    assertThat(socket.written).isEmpty();
    router.onText(session, "{\"type\":\"ping\",\"id\":\"one-too-many\"}");

    assertThat(socket.written).hasSize(1);
    assertThat(socket.written.get(0))
        .contains("\"code\":\"rate_limited\"")
        .contains("too many frames before the welcome");
    assertThat(socket.closes).containsExactly(4008);
  }
}
