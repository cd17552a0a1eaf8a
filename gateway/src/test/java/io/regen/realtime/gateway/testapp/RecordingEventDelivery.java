package io.regen.realtime.gateway.testapp;

import io.regen.realtime.gateway.delivery.ClientSession;
import io.regen.realtime.gateway.delivery.EventDelivery;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double of {@link EventDelivery} for the protocol layer's tests: records subscriptions; a
 * cursor is "resumed" when it starts with {@code v1.}; the latest cursor is {@code v1.0.41}.
 */
public final class RecordingEventDelivery implements EventDelivery {
  public static final String LATEST = "v1.0.41";
  public final Set<ClientSession> subscribed = ConcurrentHashMap.newKeySet();
  public final Set<ClientSession> started = ConcurrentHashMap.newKeySet();

  @Override
  public CompletableFuture<Subscription> subscribeAsync(ClientSession session, String cursor) {
    subscribed.add(session);
    boolean resumed = cursor != null && cursor.startsWith("v1.");
    return CompletableFuture.completedFuture(subscription(session, resumed));
  }

  private Subscription subscription(ClientSession session, boolean resumed) {
    return new Subscription() {
      @Override
      public boolean resumed() {
        return resumed;
      }

      @Override
      public String latestCursor() {
        return LATEST;
      }

      @Override
      public void start() {
        started.add(session);
      }
    };
  }

  @Override
  public void unsubscribe(ClientSession session) {
    subscribed.remove(session);
    started.remove(session);
  }
}
