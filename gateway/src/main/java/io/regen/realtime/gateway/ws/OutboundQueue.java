package io.regen.realtime.gateway.ws;

import java.util.Arrays;

/**
 * The outbound items of one session, in order: many producers (the dispatcher, catch-up readers,
 * the socket's reader, the sweeper), one consumer (the session's writer). Unbounded itself; the
 * session bounds it by counting what it adds.
 *
 * <p>An array ring under this object's monitor rather than a linked queue, for the garbage
 * collector: taking an item clears its slot, so a drained queue holds no reference to anything it
 * carried. A linked queue keeps its last node, a young object, reachable from the long-lived
 * session until the next item arrives; with thousands of sessions each written every second or so,
 * every young collection then has one old-to-young card per session to scan. The array only grows
 * while items pile up, and is replaced by a small one once a large queue is empty again.
 */
final class OutboundQueue {
  static final int INITIAL_CAPACITY = 8;

  /** A queue this large that is empty again is given back to the collector. */
  private static final int SHRINK_ABOVE = 64;

  private Object[] items = new Object[INITIAL_CAPACITY];
  private int head;
  private int size;

  synchronized void add(Object item) {
    if (item == null) {
      throw new NullPointerException("item");
    }
    if (size == items.length) {
      grow();
    }
    items[(head + size) & (items.length - 1)] = item;
    size++;
  }

  /** The oldest item, removed; null when empty. */
  synchronized Object poll() {
    if (size == 0) {
      return null;
    }
    Object item = items[head];
    items[head] = null;
    head = (head + 1) & (items.length - 1);
    size--;
    if (size == 0) {
      emptied();
    }
    return item;
  }

  synchronized void clear() {
    Arrays.fill(items, null);
    size = 0;
    emptied();
  }

  synchronized int size() {
    return size;
  }

  /** Slots held, for tests of what the queue keeps. */
  synchronized int capacity() {
    return items.length;
  }

  /** Whether any slot still refers to an item, for tests of what a drained queue keeps. */
  synchronized boolean holdsAnyReference() {
    for (Object item : items) {
      if (item != null) {
        return true;
      }
    }
    return false;
  }

  /** Every slot is null: start again at slot 0, in a small array if this one grew large. */
  private void emptied() {
    head = 0;
    if (items.length > SHRINK_ABOVE) {
      items = new Object[INITIAL_CAPACITY];
    }
  }

  private void grow() {
    Object[] larger = new Object[items.length * 2];
    for (int i = 0; i < size; i++) {
      larger[i] = items[(head + i) & (items.length - 1)];
    }
    items = larger;
    head = 0;
  }
}
