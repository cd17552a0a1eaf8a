package io.regen.realtime.gateway.ws;

import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.gateway.auth.AccessTokenQueryParameter;
import io.regen.realtime.gateway.auth.OriginPolicy;
import io.regen.realtime.gateway.http.ClientAddresses;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Refuses handshakes before the upgrade: a draining (stopping) node (503), a browser Origin not
 * allowed (403), a client address over its connection limit (429), an invalid {@code access_token}
 * query parameter (401). A valid query token is kept for the session (the {@code auth} frame may
 * then omit its token).
 */
public final class GatewayHandshakeInterceptor implements HandshakeInterceptor {
  private static final Logger log = LoggerFactory.getLogger(GatewayHandshakeInterceptor.class);

  /** Session attribute: the client address. */
  public static final String ADDRESS = "regen.remoteAddress";

  /** Session attribute: the verified token of the handshake's access_token parameter. */
  public static final String HANDSHAKE_TOKEN = "regen.handshakeToken";

  private final OriginPolicy origins;
  private final SessionRegistry sessions;
  private final JwtVerifier verifier;
  private final GatewayMetrics metrics;
  private final int maxConnectionsPerAddress;
  private final ClientAddresses addresses;

  public GatewayHandshakeInterceptor(
      OriginPolicy origins,
      SessionRegistry sessions,
      JwtVerifier verifier,
      GatewayMetrics metrics,
      int maxConnectionsPerAddress) {
    this(origins, sessions, verifier, metrics, maxConnectionsPerAddress, ClientAddresses.direct());
  }

  /** With {@code addresses} deciding whose X-Forwarded-For counts (trusted proxies only). */
  public GatewayHandshakeInterceptor(
      OriginPolicy origins,
      SessionRegistry sessions,
      JwtVerifier verifier,
      GatewayMetrics metrics,
      int maxConnectionsPerAddress,
      ClientAddresses addresses) {
    this.addresses = addresses;
    this.origins = origins;
    this.sessions = sessions;
    this.verifier = verifier;
    this.metrics = metrics;
    this.maxConnectionsPerAddress = maxConnectionsPerAddress;
  }

  @Override
  public boolean beforeHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler wsHandler,
      Map<String, Object> attributes) {
    if (sessions.draining()) {
      return refuse(response, HttpStatus.SERVICE_UNAVAILABLE, "draining");
    }
    String origin = request.getHeaders().getOrigin();
    if (!origins.allows(origin)) {
      log.info("WebSocket handshake refused: origin {} not allowed", sanitize(origin));
      return refuse(response, HttpStatus.FORBIDDEN, "origin");
    }
    String address = address(request);
    if (sessions.connectionsFrom(address) >= maxConnectionsPerAddress) {
      return refuse(response, HttpStatus.TOO_MANY_REQUESTS, "address_limit");
    }
    attributes.put(ADDRESS, address);
    String token = queryToken(request);
    if (token != null) {
      try {
        verifier.verify(token);
      } catch (InvalidTokenException e) {
        log.debug("WebSocket handshake refused: {}", e.getMessage());
        return refuse(response, HttpStatus.UNAUTHORIZED, "unauthorized");
      }
      attributes.put(HANDSHAKE_TOKEN, token);
    }
    return true;
  }

  @Override
  public void afterHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler wsHandler,
      Exception exception) {}

  private boolean refuse(ServerHttpResponse response, HttpStatus status, String reason) {
    metrics.handshakeRejected(reason);
    response.setStatusCode(status);
    return false;
  }

  private static String queryToken(ServerHttpRequest request) {
    if (request instanceof ServletServerHttpRequest servlet) {
      Object token = servlet.getServletRequest().getAttribute(AccessTokenQueryParameter.ATTRIBUTE);
      if (token instanceof String s && !s.isEmpty()) {
        return s;
      }
    }
    // Not stripped by the Jetty handler (another server): read it, it is still never logged here.
    return AccessTokenQueryParameter.find(request.getURI().getRawQuery());
  }

  private String address(ServerHttpRequest request) {
    if (request instanceof ServletServerHttpRequest servlet) {
      return addresses.resolve(servlet.getServletRequest());
    }
    var remote = request.getRemoteAddress();
    return remote == null || remote.getAddress() == null
        ? "unknown"
        : remote.getAddress().getHostAddress();
  }

  private static String sanitize(String value) {
    if (value == null) {
      return null;
    }
    String v = value.length() > 100 ? value.substring(0, 100) : value;
    return v.replaceAll("[\\r\\n\\t]", "_");
  }
}
