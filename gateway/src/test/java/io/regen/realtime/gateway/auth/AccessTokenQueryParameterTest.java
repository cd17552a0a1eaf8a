package io.regen.realtime.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTokenQueryParameterTest {

  @Test
  void findsAndStripsTheToken() {
    String query = "a=1&access_token=abc.def%2Eghi&b=2";
    assertThat(AccessTokenQueryParameter.find(query)).isEqualTo("abc.def.ghi");
    assertThat(AccessTokenQueryParameter.strip(query)).isEqualTo("a=1&b=2");
    assertThat(AccessTokenQueryParameter.strip("access_token=x")).isNull();
    assertThat(AccessTokenQueryParameter.find("a=1")).isNull();
    assertThat(AccessTokenQueryParameter.find("my_access_token=x")).isNull();
    assertThat(AccessTokenQueryParameter.strip("my_access_token=x")).isEqualTo("my_access_token=x");
  }

  @Test
  void accessLogFormatsLoseTheQueryString() {
    assertThat(
            AccessTokenHidingJettyCustomizer.withoutQuery(
                "%{client}a - %u %t \"%r\" %s %O \"%{Referer}i\""))
        .doesNotContain("%r")
        .contains("%m %U %H");
    assertThat(AccessTokenHidingJettyCustomizer.withoutQuery("%U%q")).isEqualTo("%U");
  }

  @Test
  void originPolicyAllowsListedOriginsAndRequestsWithoutOrigin() {
    OriginPolicy policy =
        new OriginPolicy(OriginPolicy.parse("http://localhost:3000, https://App.example.com/"));
    assertThat(policy.allows(null)).isTrue();
    assertThat(policy.allows("http://localhost:3000")).isTrue();
    assertThat(policy.allows("https://app.example.com")).isTrue();
    assertThat(policy.allows("https://evil.example.com")).isFalse();
    assertThat(policy.allows("http://localhost:3001")).isFalse();
    assertThat(new OriginPolicy(List.of("*")).allows("https://any.where")).isTrue();
  }
}
