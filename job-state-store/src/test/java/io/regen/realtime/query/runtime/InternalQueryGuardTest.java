package io.regen.realtime.query.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class InternalQueryGuardTest {
  private static MockHttpServletRequest request(String servletPath, String pathInfo) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", servletPath);
    request.setServletPath(servletPath);
    request.setPathInfo(pathInfo);
    return request;
  }

  @Test
  void theInternalPathsAreInternal() {
    assertThat(InternalQueryGuard.isInternal(request("/internal/query/job", null))).isTrue();
    assertThat(InternalQueryGuard.isInternal(request("/internal", null))).isTrue();
    assertThat(InternalQueryGuard.isInternal(request("", "/internal/query/range"))).isTrue();
    assertThat(InternalQueryGuard.isInternal(request("/internal", "/query/job"))).isTrue();
  }

  @Test
  void pathParametersAndRepeatedSlashesDoNotHideThem() {
    assertThat(InternalQueryGuard.isInternal(request("//internal/query/job", null))).isTrue();
    assertThat(InternalQueryGuard.isInternal(request("/internal;x=1/query/job", null))).isTrue();
    assertThat(InternalQueryGuard.isInternal(request("/internal;x=1", null))).isTrue();
    assertThat(InternalQueryGuard.isInternal(request("/", "/internal/query"))).isTrue();
  }

  @Test
  void otherPathsAreNot() {
    assertThat(InternalQueryGuard.isInternal(request("/api/job/j1/state", null))).isFalse();
    assertThat(InternalQueryGuard.isInternal(request("/internals/query", null))).isFalse();
    assertThat(InternalQueryGuard.isInternal(request("/api/internal/query", null))).isFalse();
    assertThat(InternalQueryGuard.isInternal(request("", null))).isFalse();
  }
}
