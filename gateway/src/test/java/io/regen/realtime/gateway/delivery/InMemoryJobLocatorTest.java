package io.regen.realtime.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemoryJobLocatorTest {
  @Test
  void keepsTheFirstSightingAndEvictsTheLeastRecentlyUsed() {
    InMemoryJobLocator locator = new InMemoryJobLocator(2);
    locator.recordFirst("a", "u", 1, 10);
    locator.recordFirst("a", "u", 1, 99);
    assertThat(locator.locate("a", null)).contains(new JobLocation("u", 1, 10, -1));
    locator.recordFirst("b", "u", 1, 20);
    locator.locate("a", null); // a is now the most recently used
    locator.recordFirst("c", "u", 1, 30);
    assertThat(locator.locate("b", null)).isEmpty();
    assertThat(locator.locate("a", null)).isPresent();
    assertThat(locator.size()).isEqualTo(2);
    FirstFoundJobLocator chain =
        new FirstFoundJobLocator(java.util.List.of(new InMemoryJobLocator(1), locator));
    assertThat(chain.locate("c", "t")).contains(new JobLocation("u", 1, 30, -1));
    assertThat(chain.locate("zzz", "t")).isEmpty();
  }

  @Test
  void parsesTheQueryApiStateJson() {
    assertThat(
            QueryApiJobLocator.parse(
                "{\"userId\":\"u\",\"firstPosition\":{\"partition\":3,\"offset\":5},"
                    + "\"lastPosition\":{\"partition\":3,\"offset\":9},\"position\":\"v1.3.9\"}"))
        .contains(new JobLocation("u", 3, 5, 9));
    assertThat(
            QueryApiJobLocator.parse(
                "{\"userId\":\"u\",\"firstPosition\":{\"partition\":3,\"offset\":5},"
                    + "\"lastPosition\":null}"))
        .contains(new JobLocation("u", 3, 5, -1));
    assertThat(QueryApiJobLocator.parse("{\"userId\":\"u\",\"firstPosition\":null}")).isEmpty();
  }
}
