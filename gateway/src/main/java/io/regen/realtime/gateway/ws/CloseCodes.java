package io.regen.realtime.gateway.ws;

/** WebSocket close codes of protocol v1 (see docs/protocol.md). */
public final class CloseCodes {
  private CloseCodes() {}

  public static final int GOING_AWAY = 1001;
  public static final int INVALID_UTF8 = 1007;
  public static final int TOO_BIG = 1009;
  public static final int SERVER_ERROR = 1011;
  public static final int AUTH_FAILED = 4001;
  public static final int FORBIDDEN = 4003;
  public static final int POLICY = 4008;
  public static final int TOO_SLOW = 4009;
  public static final int TOKEN_EXPIRED = 4010;
}
