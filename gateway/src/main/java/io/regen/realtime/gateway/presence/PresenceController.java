package io.regen.realtime.gateway.presence;

import io.regen.realtime.auth.ErrorBody;
import io.regen.realtime.gateway.http.BearerAuth;
import io.regen.realtime.gateway.presence.PresenceRegistry.Presence;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The presence REST API.
 *
 * <ul>
 *   <li>{@code GET /api/presence/{userId}} (that user or an analyst): {@code
 *       {"userId","online","connections","nodes","lastSeen"}}, lastSeen ISO-8601 or null.
 *   <li>{@code GET /api/presence} (analyst): {@code {"onlineUsers": N}}.
 * </ul>
 *
 * 401/403 come from {@link BearerAuth}; a store that is down or slow gives 503 {@code
 * {"error":"presence_unavailable","message":…}} with {@code Retry-After}, within the store's
 * command timeout.
 */
@RestController
@RequestMapping(path = "/api/presence", produces = MediaType.APPLICATION_JSON_VALUE)
public class PresenceController {
  private final PresenceRegistry registry;
  private final BearerAuth auth;
  private final Duration retryAfter;

  public PresenceController(PresenceRegistry registry, BearerAuth auth, Duration retryAfter) {
    this.registry = registry;
    this.auth = auth;
    this.retryAfter = retryAfter;
  }

  /** One user's presence as JSON. */
  public record PresenceView(
      String userId, boolean online, int connections, List<String> nodes, String lastSeen) {
    static PresenceView of(Presence p) {
      return new PresenceView(
          p.userId(),
          p.online(),
          p.connections(),
          p.nodes().stream().map(PresenceRecorder::nodeIdOf).distinct().toList(),
          p.lastSeen() == null ? null : p.lastSeen().toString());
    }
  }

  @GetMapping("/{userId}")
  public PresenceView presence(@PathVariable String userId, HttpServletRequest request) {
    auth.requireReaderOf(request, userId);
    return PresenceView.of(registry.presence(userId));
  }

  @GetMapping
  public Map<String, Long> onlineUsers(HttpServletRequest request) {
    auth.requireAnalyst(request);
    return Map.of("onlineUsers", registry.onlineUsers());
  }

  @ExceptionHandler(PresenceUnavailableException.class)
  public ResponseEntity<ErrorBody> unavailable(PresenceUnavailableException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())))
        .contentType(MediaType.APPLICATION_JSON)
        // Not e's message: it names the Redis host.
        .body(new ErrorBody("presence_unavailable", "presence is temporarily unavailable"));
  }
}
