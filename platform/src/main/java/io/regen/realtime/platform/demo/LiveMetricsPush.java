package io.regen.realtime.platform.demo;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.gateway.extension.ClientFrameExtension;
import io.regen.realtime.gateway.ws.SessionListener;
import io.regen.realtime.gateway.ws.WebSocketClientSession;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The live metrics push: {@code subscribe_metrics} / {@code unsubscribe_metrics} frames, then a
 * {@code metrics} frame about once a second to each subscribed session whose token has role {@value
 * #ROLE} or {@code analyst} (checked again on every push, so a re-auth with fewer roles stops it).
 * One sample per tick is shared by all subscribers; nothing polls.
 */
public final class LiveMetricsPush implements ClientFrameExtension, SessionListener, AutoCloseable {
  /** The token role that allows the push. */
  public static final String ROLE = "metrics";

  static final String SUBSCRIBE = "subscribe_metrics";
  static final String UNSUBSCRIBE = "unsubscribe_metrics";
  private static final Logger log = LoggerFactory.getLogger(LiveMetricsPush.class);

  private final LiveMetricsSampler sampler;
  private final ObjectMapper json;
  private final Duration interval;
  private final Set<WebSocketClientSession> subscribers = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;

  LiveMetricsPush(LiveMetricsSampler sampler, ObjectMapper json, Duration interval) {
    this.sampler = sampler;
    this.json = json;
    this.interval = interval;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "regen-metrics-push");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(
        this::pushSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  static boolean allowed(AuthenticatedUser user) {
    return user != null && (user.isAnalyst() || user.roles().contains(ROLE));
  }

  @Override
  public Set<String> frameTypes() {
    return Set.of(SUBSCRIBE, UNSUBSCRIBE);
  }

  @Override
  public void handle(WebSocketClientSession session, String type, String id, JsonNode frame) {
    if (type.equals(UNSUBSCRIBE)) {
      subscribers.remove(session);
      session.offerControl(reply("metrics_unsubscribed", id, Map.of()));
      return;
    }
    if (!allowed(session.user())) {
      session.offerControl(
          reply(
              "error",
              id,
              Map.of(
                  "code",
                  "forbidden",
                  "message",
                  "live metrics need a token with role " + ROLE + " or analyst")));
      return;
    }
    subscribers.add(session);
    session.offerControl(
        reply("metrics_subscribed", id, Map.of("intervalMs", interval.toMillis())));
  }

  @Override
  public void started(WebSocketClientSession session) {}

  @Override
  public void ended(WebSocketClientSession session, Duration duration, int closeCode) {
    subscribers.remove(session);
  }

  /** Sessions receiving the push (tests, diagnostics). */
  int subscriberCount() {
    return subscribers.size();
  }

  void push() {
    subscribers.removeIf(s -> !s.isOpen() || !allowed(s.user()));
    if (subscribers.isEmpty()) {
      return;
    }
    Map<String, Object> sample =
        sampler.sample(
            () ->
                subscribers.stream()
                    .findFirst()
                    .map(s -> "Bearer " + s.accessToken())
                    .orElse(null));
    String frame = reply("metrics", null, sample);
    for (WebSocketClientSession s : subscribers) {
      s.offerControl(frame);
    }
  }

  private void pushSafely() {
    try {
      push();
    } catch (RuntimeException e) {
      log.warn("Live metrics push failed; retrying next tick", e);
    }
  }

  private String reply(String type, String id, Map<String, Object> fields) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", type);
    if (id != null) {
      frame.put("id", id);
    }
    frame.putAll(fields);
    return json.writeValueAsString(frame);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
