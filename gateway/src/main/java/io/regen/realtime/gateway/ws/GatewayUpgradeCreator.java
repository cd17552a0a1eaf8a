package io.regen.realtime.gateway.ws;

import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.gateway.auth.AccessTokenQueryParameter;
import io.regen.realtime.gateway.auth.OriginPolicy;
import io.regen.realtime.gateway.http.ClientAddresses;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each WebSocket handshake in Jetty, before the upgrade, and creates the connection's
 * {@link GatewaySocket} for an accepted one. Refuses a draining (stopping) node (503), a browser
 * Origin not allowed (403), a client address over its connection limit (429), an invalid {@code
 * access_token} query parameter (401), each counted in {@code gateway_handshakes_rejected_total}. A
 * valid query token is kept for the session (the {@code auth} frame may then omit its token).
 *
 * <p>Why in Jetty and not in Spring's handshake handler: a handshake is the gateway's most frequent
 * HTTP request, and the servlet filter chain, {@code DispatcherServlet}, handler mapping and
 * Spring's session adapters were most of its CPU (issue 9, S2's connect burst).
 */
public final class GatewayUpgradeCreator implements WebSocketCreator {
  private static final Logger log = LoggerFactory.getLogger(GatewayUpgradeCreator.class);

  private final GatewayWebSocketHandler handler;
  private final OriginPolicy origins;
  private final SessionRegistry sessions;
  private final JwtVerifier verifier;
  private final GatewayMetrics metrics;
  private final int maxConnectionsPerAddress;
  private final ClientAddresses addresses;

  /** With {@code addresses} deciding whose X-Forwarded-For counts (trusted proxies only). */
  public GatewayUpgradeCreator(
      GatewayWebSocketHandler handler,
      OriginPolicy origins,
      SessionRegistry sessions,
      JwtVerifier verifier,
      GatewayMetrics metrics,
      int maxConnectionsPerAddress,
      ClientAddresses addresses) {
    this.handler = handler;
    this.addresses = addresses;
    this.origins = origins;
    this.sessions = sessions;
    this.verifier = verifier;
    this.metrics = metrics;
    this.maxConnectionsPerAddress = maxConnectionsPerAddress;
  }

  @Override
  public Object createWebSocket(
      ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    if (sessions.draining()) {
      return refuse(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "draining");
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (!origins.allows(origin)) {
      log.info("WebSocket handshake refused: origin {} not allowed", sanitize(origin));
      return refuse(request, response, callback, HttpStatus.FORBIDDEN_403, "origin");
    }
    String address =
        addresses.resolve(
            Request.getRemoteAddr(request),
            request.getHeaders().getValuesList(ClientAddresses.FORWARDED_FOR));
    if (sessions.connectionsFrom(address) >= maxConnectionsPerAddress) {
      return refuse(request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "address_limit");
    }
    String token = queryToken(request);
    if (token != null) {
      try {
        verifier.verify(token);
      } catch (InvalidTokenException e) {
        log.debug("WebSocket handshake refused: {}", e.getMessage());
        return refuse(request, response, callback, HttpStatus.UNAUTHORIZED_401, "unauthorized");
      }
    }
    if (log.isDebugEnabled()) {
      // Stripped here too, in case AccessTokenHidingHandler is not in front: never log a token.
      String query = request.getHttpURI().getQuery();
      log.debug(
          "WebSocket handshake from {} accepted: {}{}",
          address,
          request.getHttpURI().getPath(),
          query == null || query.isEmpty() ? "" : "?" + AccessTokenQueryParameter.strip(query));
    }
    return new GatewaySocket(handler, address, token);
  }

  /** Answers the handshake with {@code status} and no upgrade (a null socket tells Jetty so). */
  private Object refuse(
      Request request, Response response, Callback callback, int status, String reason) {
    metrics.handshakeRejected(reason);
    Response.writeError(request, response, callback, status);
    return null;
  }

  private static String queryToken(Request request) {
    if (request.getAttribute(AccessTokenQueryParameter.ATTRIBUTE) instanceof String s
        && !s.isEmpty()) {
      return s;
    }
    // Not stripped by AccessTokenHidingHandler (not installed): read it, still never logged here.
    return AccessTokenQueryParameter.find(request.getHttpURI().getQuery());
  }

  private static String sanitize(String value) {
    if (value == null) {
      return null;
    }
    String v = value.length() > 100 ? value.substring(0, 100) : value;
    return v.replaceAll("[\\r\\n\\t]", "_");
  }
}
