package io.regen.realtime.schemas.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoundedMapTest {
  @Test
  void leastRecentlyUsedForgetsTheEntryUntouchedLongest() {
    BoundedMap<String, Integer> map = BoundedMap.leastRecentlyUsed(2);
    map.put("a", 1);
    map.put("b", 2);
    map.get("a");
    map.put("c", 3);
    assertThat(map).containsOnlyKeys("a", "c");
  }

  @Test
  void oldestFirstIgnoresReads() {
    BoundedMap<String, Integer> map = BoundedMap.oldestFirst(2);
    map.put("a", 1);
    map.put("b", 2);
    map.get("a");
    map.put("a", 10); // an update keeps the insertion position
    map.put("c", 3);
    assertThat(map).containsOnlyKeys("b", "c");
  }

  @Test
  void aCapacityBelowOneIsRefused() {
    assertThatThrownBy(() -> BoundedMap.oldestFirst(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }
}
