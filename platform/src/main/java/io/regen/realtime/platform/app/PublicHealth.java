package io.regen.realtime.platform.app;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /actuator/health} on the public HTTP port when the actuator has its own management
 * listener: load balancers, {@code regen up}'s readiness and operators keep one health URL, while
 * metrics and every other endpoint are served on the management port only. 200 when UP, 503
 * otherwise; the body is the aggregated status alone ({@code {"status":"UP"}}): the components and
 * their details (broker addresses, the internal query listener, disk paths) are for operators and
 * stay on the management port.
 */
@RestController
@ConditionalOnProperty("management.server.port")
public class PublicHealth {
  private final HealthEndpoint health;

  public PublicHealth(HealthEndpoint health) {
    this.health = health;
  }

  @GetMapping(path = "/actuator/health", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, String>> health() {
    return answer(health.health().getStatus());
  }

  static ResponseEntity<Map<String, String>> answer(Status status) {
    return ResponseEntity.status(Status.UP.equals(status) ? 200 : 503)
        .body(Map.of("status", status.getCode()));
  }
}
