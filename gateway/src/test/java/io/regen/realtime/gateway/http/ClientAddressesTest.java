package io.regen.realtime.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
  private final ClientAddresses behindBalancer =
      new ClientAddresses(List.of("10.0.0.0/8", "192.168.1.5", "::1"));

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    assertThat(ClientAddresses.direct().resolve("10.1.2.3", List.of("203.0.113.9")))
        .isEqualTo("10.1.2.3");
  }

  @Test
  void fromAnUntrustedPeerTheHeaderIsIgnored() {
    assertThat(behindBalancer.resolve("198.51.100.7", List.of("203.0.113.9")))
        .isEqualTo("198.51.100.7");
  }

  @Test
  void fromATrustedProxyTheFirstUntrustedHopFromTheRightIsTheClient() {
    // the client may prepend anything: only the hops our proxies appended count
    assertThat(behindBalancer.resolve("10.1.2.3", List.of("1.1.1.1, 203.0.113.9, 10.9.9.9")))
        .isEqualTo("203.0.113.9");
    assertThat(behindBalancer.resolve("10.1.2.3", List.of("1.1.1.1", "203.0.113.9")))
        .isEqualTo("203.0.113.9");
    assertThat(behindBalancer.resolve("0:0:0:0:0:0:0:1", List.of("[2001:db8::1]")))
        .isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(behindBalancer.resolve("192.168.1.5", List.of("10.0.0.1"))).isEqualTo("10.0.0.1");
  }

  @Test
  void garbageInTheHeaderEndsTheWalkAtTheLastTrustedHopAndIsNeverLookedUp() {
    assertThat(behindBalancer.resolve("10.1.2.3", List.of("evil.example.com")))
        .isEqualTo("10.1.2.3");
    assertThat(behindBalancer.resolve("10.1.2.3", List.of("203.0.113.9, abc, 10.4.4.4")))
        .isEqualTo("10.4.4.4");
    assertThat(behindBalancer.resolve("10.1.2.3", List.of("a".repeat(10_000))))
        .isEqualTo("10.1.2.3");
    assertThat(behindBalancer.resolve("10.1.2.3", List.of(",".repeat(1000)))).isEqualTo("10.1.2.3");
  }

  @Test
  void aBadTrustedProxyEntryFailsWithAClearMessage() {
    assertThatThrownBy(() -> new ClientAddresses(List.of("proxy.internal")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'proxy.internal' is not an IP address or CIDR block");
    assertThatThrownBy(() -> new ClientAddresses(List.of("10.0.0.0/33")))
        .hasMessageContaining("bad prefix length");
  }
}
