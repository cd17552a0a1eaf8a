package io.regen.realtime.gateway.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sessions catching up on one partition. {@link #incoming} and {@link #scheduled} are shared;
 * the rest belongs to the one reader serving the group (handed from reader to reader through the
 * ready queue, which orders the accesses).
 */
final class CatchUpGroup {
  final int partition;
  final ConcurrentLinkedQueue<SessionState> incoming = new ConcurrentLinkedQueue<>();
  final AtomicBoolean scheduled = new AtomicBoolean();
  final Map<String, List<SessionState>> byUser = new HashMap<>();
  int members;

  /** Joined behind the reader's position during a pass: served by the next pass. */
  final List<SessionState> deferred = new ArrayList<>();

  CatchUpGroup(int partition) {
    this.partition = partition;
  }

  void add(SessionState s) {
    s.inCatchUpGroup = true;
    byUser.computeIfAbsent(s.userId, u -> new ArrayList<>(2)).add(s);
    members++;
  }

  void remove(SessionState s) {
    if (!s.inCatchUpGroup) {
      return;
    }
    s.inCatchUpGroup = false;
    List<SessionState> list = byUser.get(s.userId);
    if (list != null && list.remove(s)) {
      members--;
      if (list.isEmpty()) {
        byUser.remove(s.userId);
      }
    }
  }

  List<SessionState> all() {
    List<SessionState> out = new ArrayList<>(members);
    for (List<SessionState> list : byUser.values()) {
      out.addAll(list);
    }
    return out;
  }
}
