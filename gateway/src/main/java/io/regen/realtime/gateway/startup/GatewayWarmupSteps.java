package io.regen.realtime.gateway.startup;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ModelChunk;
import io.regen.realtime.events.ResearchStep;
import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.gateway.kafka.JobEventDecoder;
import io.regen.realtime.gateway.protocol.ClientFrame;
import io.regen.realtime.gateway.protocol.ServerFrames;
import io.regen.realtime.gateway.sessions.SessionEvents;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's first-use paths, as {@link WarmupStep}s: what a thread dump of a restarted gateway
 * showed its Jetty threads initialising for the first {@code auth} frames. Each step uses the real
 * classes of the path (the configured {@link JwtVerifier}, the registry serializers over an
 * in-memory registry, {@link ServerFrames}, {@link ClientFrame}), touches no network, and throws
 * when the path did not give what it should.
 */
public final class GatewayWarmupSteps {
  private static final String USER = "gateway-warmup";

  /** Short: within any configured maximum lifetime. */
  private static final Duration TOKEN_TTL = Duration.ofMinutes(1);

  private GatewayWarmupSteps() {}

  /**
   * @param verifier the gateway's verifier
   * @param settings its settings, or null when unknown: with an HS256 secret the step verifies a
   *     valid token (the whole path), otherwise a token it refuses (parser, Base64, JSON and
   *     signature classes)
   */
  public static List<WarmupStep> of(JwtVerifier verifier, JwtSettings settings) {
    return List.of(
        new WarmupStep("jwt-verify", () -> verifyToken(verifier, settings)),
        new WarmupStep("client-frame-parse", GatewayWarmupSteps::parseClientFrame),
        new WarmupStep("session-event-encode", GatewayWarmupSteps::encodeSessionEvent),
        new WarmupStep("job-event-decode", GatewayWarmupSteps::decodeJobEvent),
        new WarmupStep("server-frames", GatewayWarmupSteps::buildFrames),
        new WarmupStep("websocket-connection-classes", GatewayWarmupSteps::loadConnectionClasses));
  }

  /**
   * What Jetty and the gateway load for the first WebSocket connection (thread dumps of a restarted
   * gateway: 15 Jetty threads blocked on the class loader's lock in {@code WebSocketConnection}'s
   * constructor). A real handshake would need a socket; loading and initialising the classes (and
   * their nested classes) is the part that serialises the threads.
   */
  static final List<String> CONNECTION_CLASSES =
      List.of(
          "org.eclipse.jetty.websocket.core.server.internal.RFC6455Handshaker",
          "org.eclipse.jetty.websocket.core.server.internal.RFC6455Negotiation",
          "org.eclipse.jetty.websocket.core.server.internal.ServerUpgradeRequestImpl",
          "org.eclipse.jetty.websocket.core.server.internal.ServerUpgradeResponseImpl",
          "org.eclipse.jetty.websocket.core.WebSocketConnection",
          "org.eclipse.jetty.websocket.core.WebSocketCoreSession",
          "org.eclipse.jetty.websocket.core.ExtensionStack",
          "org.eclipse.jetty.websocket.core.Frame",
          "org.eclipse.jetty.websocket.core.OpCode",
          "org.eclipse.jetty.websocket.core.CloseStatus",
          "org.eclipse.jetty.websocket.core.internal.Parser",
          "org.eclipse.jetty.websocket.core.internal.Generator",
          "org.eclipse.jetty.websocket.core.internal.FrameFlusher",
          "org.eclipse.jetty.websocket.core.internal.WebSocketSessionState",
          "org.eclipse.jetty.websocket.core.messages.StringMessageSink",
          "org.eclipse.jetty.websocket.core.util.FrameValidation",
          "org.eclipse.jetty.websocket.common.JettyWebSocketFrameHandler",
          "org.eclipse.jetty.websocket.common.WebSocketSession",
          "io.regen.realtime.gateway.ws.GatewaySocket",
          "io.regen.realtime.gateway.ws.JettyFrameSocket");

  static void verifyToken(JwtVerifier verifier, JwtSettings settings) {
    if (settings != null && settings.secret() != null) {
      AuthenticatedUser user =
          verifier.verify(new JwtIssuer(settings).issue(USER, List.of(), TOKEN_TTL));
      if (!USER.equals(user.userId())) {
        throw new IllegalStateException("verified a token of " + user.userId());
      }
      return;
    }
    JwtSettings throwaway =
        new JwtSettings(
            randomSecret(),
            null,
            settings == null ? null : settings.issuer(),
            settings == null ? null : settings.audience(),
            null,
            null);
    try {
      verifier.verify(new JwtIssuer(throwaway).issue(USER, List.of(), TOKEN_TTL));
      throw new IllegalStateException("a token signed with a throwaway key was accepted");
    } catch (InvalidTokenException expected) {
      // Refused, as it must be: the parser and the verification classes are loaded now.
    }
  }

  static void parseClientFrame() {
    ObjectMapper json = JsonMapper.builder().build();
    ClientFrame frame =
        ClientFrame.parse(
            json, "{\"type\":\"auth\",\"id\":\"w1\",\"token\":\"t\",\"cursor\":\"\"}");
    if (!"auth".equals(frame.type()) || !"t".equals(frame.requiredString("token", 64))) {
      throw new IllegalStateException("auth frame parsed as " + frame.type());
    }
  }

  static void encodeSessionEvent() {
    RegistrySerdes serdes = new RegistrySerdes(new InMemorySchemaRegistryClient());
    SessionEvent event = SessionEvents.started(USER, "warmup-session", "warmup", Instant.now());
    byte[] bytes =
        serdes
            .valueSerializer(Topics.GATEWAY_SESSIONS)
            .serialize(Topics.GATEWAY_SESSIONS.name(), event);
    if (bytes == null || bytes.length < 6 || bytes[0] != 0) {
      throw new IllegalStateException("session event not in the wire format");
    }
  }

  static void decodeJobEvent() {
    RegistrySerdes serdes = new RegistrySerdes(new InMemorySchemaRegistryClient());
    String topic = Topics.JOB_EVENTS.name();
    for (JobEvent event : sampleEvents()) {
      byte[] bytes = serdes.valueSerializer(Topics.JOB_EVENTS).serialize(topic, event);
      JobEvent decoded =
          new JobEventDecoder(serdes.valueDeserializer(Topics.JOB_EVENTS), () -> {}, () -> {})
              .decode(new ConsumerRecord<>(topic, 0, 0L, event.getUserId(), bytes));
      if (decoded == null || !decoded.getEventId().equals(event.getEventId())) {
        throw new IllegalStateException("job event did not decode back");
      }
    }
  }

  static void buildFrames() {
    ServerFrames frames = new ServerFrames();
    LogPosition position = new LogPosition(0, 0);
    for (JobEvent event : sampleEvents()) {
      requireJson(frames.eventFrame(event, position));
      requireJson(frames.replayFrame(event, position, "r"));
      requireJson(frames.eventObject(event));
    }
    requireJson(frames.replayEndFrame("r", "job", 1, false, true));
    requireJson(frames.historyTruncatedLine("job", position));
    requireJson(frames.welcome(USER, "s", "v1.0.0", true, 25_000));
    requireJson(frames.reauthed("i", 0));
    requireJson(frames.ack("i", "job"));
    requireJson(frames.pong("i"));
    requireJson(frames.tokenExpiring(1));
    requireJson(frames.error("i", "code", "message"));
    requireJson(frames.rateLimited("i", "message", 1));
    requireJson(frames.unavailable("i", "message", 1));
  }

  /** One event of each payload type, so every payload's field mapping is built once. */
  static List<JobEvent> sampleEvents() {
    List<Object> payloads =
        List.of(
            new JobStarted("model", "warm-up"),
            new ModelChunk("model", 0, "text", false),
            new JobProgress(50, "half"),
            new ResearchStep(1, "title", null, "summary"),
            new JobCompleted("done", 1L),
            new JobFailed("code", "message", false),
            new JobCancelled("reason"));
    return payloads.stream()
        .map(
            payload ->
                JobEvent.newBuilder()
                    .setEventId("warmup-" + payload.getClass().getSimpleName())
                    .setJobId("warmup-job")
                    .setUserId(USER)
                    .setSeq(0)
                    .setOccurredAt(Instant.now())
                    .setProducer("warmup")
                    .setPayload(payload)
                    .build())
        .toList();
  }

  static void loadConnectionClasses() {
    loadClasses(CONNECTION_CLASSES);
  }

  /** Loads and initialises {@code names} and their nested classes; throws naming any missing. */
  static void loadClasses(List<String> names) {
    ClassLoader loader = GatewayWarmupSteps.class.getClassLoader();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      try {
        for (Class<?> nested : Class.forName(name, true, loader).getDeclaredClasses()) {
          Class.forName(nested.getName(), true, loader);
        }
      } catch (ClassNotFoundException e) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      // The others are loaded; the list wants updating for the Jetty/Spring version in use.
      throw new IllegalStateException("classes not found: " + missing);
    }
  }

  private static void requireJson(String frame) {
    if (frame == null || !frame.startsWith("{") || !frame.endsWith("}")) {
      throw new IllegalStateException("not a JSON frame: " + frame);
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[JwtSettings.MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new String(Base64.getEncoder().encode(bytes), StandardCharsets.US_ASCII);
  }
}
