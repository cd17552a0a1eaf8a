package io.regen.realtime.schemas.util;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its eldest entry once it holds more than {@code capacity}: the least recently
 * used one ({@link #leastRecentlyUsed}) or the one inserted first ({@link #oldestFirst}). Not
 * thread-safe, like {@link LinkedHashMap}: callers synchronize.
 */
public final class BoundedMap<K, V> extends LinkedHashMap<K, V> {
  private static final long serialVersionUID = 1L;

  private final int capacity;

  private BoundedMap(int capacity, boolean accessOrder) {
    super(16, 0.75f, accessOrder);
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be > 0, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Reads and writes make an entry young; the one untouched longest goes first. */
  public static <K, V> BoundedMap<K, V> leastRecentlyUsed(int capacity) {
    return new BoundedMap<>(capacity, true);
  }

  /** Only insertion order counts: the entry inserted first goes first, reads change nothing. */
  public static <K, V> BoundedMap<K, V> oldestFirst(int capacity) {
    return new BoundedMap<>(capacity, false);
  }

  public int capacity() {
    return capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
