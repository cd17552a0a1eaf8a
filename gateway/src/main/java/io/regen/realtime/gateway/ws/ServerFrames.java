package io.regen.realtime.gateway.ws;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** Builds the server → client control frames of protocol v1 as JSON text. */
public final class ServerFrames {
  private final ObjectMapper json;

  public ServerFrames(ObjectMapper json) {
    this.json = json;
  }

  public String welcome(
      String userId, String sessionId, String cursor, boolean resumed, long heartbeatMs) {
    ObjectNode n = frame("welcome", null);
    n.put("userId", userId);
    n.put("sessionId", sessionId);
    n.put("cursor", cursor);
    n.put("resumed", resumed);
    n.put("heartbeatMs", heartbeatMs);
    return write(n);
  }

  public String reauthed(String id, long expiresAtEpochMs) {
    ObjectNode n = frame("reauthed", id);
    n.put("expiresAt", expiresAtEpochMs);
    return write(n);
  }

  public String ack(String id, String jobId) {
    ObjectNode n = frame("ack", id);
    n.put("jobId", jobId);
    return write(n);
  }

  public String pong(String id) {
    return write(frame("pong", id));
  }

  public String tokenExpiring(long inMs) {
    ObjectNode n = frame("token_expiring", null);
    n.put("inMs", inMs);
    return write(n);
  }

  public String error(String id, String code, String message) {
    ObjectNode n = frame("error", id);
    n.put("code", code);
    n.put("message", message);
    return write(n);
  }

  public String rateLimited(String id, String message, long retryAfterMs) {
    ObjectNode n = frame("error", id);
    n.put("code", ErrorCodes.RATE_LIMITED);
    n.put("message", message);
    n.put("retryAfterMs", retryAfterMs);
    return write(n);
  }

  private ObjectNode frame(String type, String id) {
    ObjectNode n = json.createObjectNode();
    n.put("type", type);
    if (id != null) {
      n.put("id", id);
    }
    return n;
  }

  private String write(ObjectNode node) {
    return json.writeValueAsString(node);
  }
}
