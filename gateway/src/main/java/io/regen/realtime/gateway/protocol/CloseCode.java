package io.regen.realtime.gateway.protocol;

/**
 * WebSocket close codes of protocol v1 (see docs/protocol.md), each saying whether a well-behaved
 * client should reconnect: it does after a server restart or when it was too slow (with its
 * cursor), it does not after a refused token or a policy violation (it must fix something first).
 */
public enum CloseCode {
  GOING_AWAY(1001, true),
  INVALID_UTF8(1007, false),
  TOO_BIG(1009, false),
  SERVER_ERROR(1011, true),
  AUTH_FAILED(4001, false),
  FORBIDDEN(4003, false),
  POLICY(4008, false),
  TOO_SLOW(4009, true),
  /** Reconnect with a fresh token. */
  TOKEN_EXPIRED(4010, true);

  private final int code;
  private final boolean reconnect;

  CloseCode(int code, boolean reconnect) {
    this.code = code;
    this.reconnect = reconnect;
  }

  /** The numeric code sent in the close frame. */
  public int code() {
    return code;
  }

  /** Whether the client should reconnect (resuming with its last cursor). */
  public boolean reconnect() {
    return reconnect;
  }
}
