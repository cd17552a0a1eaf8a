package io.regen.realtime.gateway.protocol;

/**
 * WebSocket close codes of protocol v1 (see docs/protocol.md), each saying whether a well-behaved
 * client should reconnect: it does after a server restart or when it was too slow (with its
 * cursor), it does not after a refused token or a policy violation (it must fix something first).
 * {@link #RECONNECT_NOW} also says "without back-off".
 */
public enum CloseCode {
  GOING_AWAY(1001, true),
  /** A binary message: the protocol is JSON text. */
  UNSUPPORTED_DATA(1003, false),
  INVALID_UTF8(1007, false),
  TOO_BIG(1009, false),
  SERVER_ERROR(1011, true),
  AUTH_FAILED(4001, false),
  FORBIDDEN(4003, false),
  POLICY(4008, false),
  TOO_SLOW(4009, true),
  /** Reconnect with a fresh token. */
  TOKEN_EXPIRED(4010, true),
  /**
   * The gateway is draining (SIGTERM, deploy): reconnect at once, without back-off, with the last
   * cursor. This gateway refuses new handshakes from now on, so the reconnect reaches another
   * gateway behind the load balancer, or this one's successor; only when that attempt fails does
   * the usual back-off start.
   */
  RECONNECT_NOW(4012, true);

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
