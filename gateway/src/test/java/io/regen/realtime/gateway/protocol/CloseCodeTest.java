package io.regen.realtime.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CloseCodeTest {
  @Test
  void codesAreTheProtocolsAndSayWhetherToReconnect() {
    assertThat(Arrays.stream(CloseCode.values()).mapToInt(CloseCode::code))
        .containsExactly(1001, 1003, 1007, 1009, 1011, 4001, 4003, 4008, 4009, 4010, 4012);
    assertThat(Arrays.stream(CloseCode.values()).filter(CloseCode::reconnect))
        .containsExactly(
            CloseCode.GOING_AWAY,
            CloseCode.SERVER_ERROR,
            CloseCode.TOO_SLOW,
            CloseCode.TOKEN_EXPIRED,
            CloseCode.RECONNECT_NOW);
  }
}
