package io.regen.realtime.bench.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * N WebSocket clients of the benchmark, one user each, in ONE Jetty {@link WebSocketClient} (one
 * shared HttpClient, selector and small thread pool: 10,000 connections do not cost 10,000
 * threads). Each client authenticates with its own user's token, records send → receipt latency of
 * every event frame, checks its user's events arrive in order without gap or duplicate, and — in
 * restart mode — reconnects with its last cursor when the server goes away.
 *
 * <p>Event identity: the producer sends event number {@code i} (its {@code seq}) to user {@code i %
 * N}, so user {@code u} must receive seq {@code u, u+N, u+2N, ...} in that order. The send time of
 * seq {@code i} is {@code sendNanos[i]}, taken by the producer in this same JVM on the same {@link
 * System#nanoTime()} clock as the receipt: no clock skew between JVMs enters the figure.
 */
public final class BenchClients implements AutoCloseable {
  private final URI uri;
  private final String userPrefix;
  private final int count;
  private final String[] tokens;
  private final long[] sendNanos;
  private final Recorder recorder;
  private final WebSocketClient client;
  private final ScheduledExecutorService reconnects =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-reconnect");
            t.setDaemon(true);
            return t;
          });
  public final User[] users;
  public final AtomicLong received = new AtomicLong();
  public final AtomicLong duplicates = new AtomicLong();
  public final AtomicLong gaps = new AtomicLong();
  public final AtomicLong welcomes = new AtomicLong();
  public final AtomicLong notResumed = new AtomicLong();
  public final AtomicLong closes = new AtomicLong();
  public final AtomicLong connectFailures = new AtomicLong();
  public volatile boolean reconnect;

  /** The close code of a draining gateway: reconnect without delay. */
  static final int RECONNECT_NOW = 4012;

  /** Seqs in [measureFrom, measureTo) are recorded in the histogram (warm-up excluded). */
  public volatile long measureFrom = Long.MAX_VALUE;

  public volatile long measureTo = Long.MAX_VALUE;

  public BenchClients(URI uri, int count, String[] tokens, long[] sendNanos, Recorder recorder)
      throws Exception {
    this(uri, "bench-user-", count, tokens, sendNanos, recorder);
  }

  /** Clients of users {@code userPrefix + 0 .. userPrefix + (count - 1)}. */
  public BenchClients(
      URI uri, String userPrefix, int count, String[] tokens, long[] sendNanos, Recorder recorder)
      throws Exception {
    this.uri = uri;
    this.userPrefix = userPrefix;
    this.count = count;
    this.tokens = tokens;
    this.sendNanos = sendNanos;
    this.recorder = recorder;
    this.users = new User[count];
    for (int i = 0; i < count; i++) {
      users[i] = new User(i);
    }
    QueuedThreadPool threads = new QueuedThreadPool(16, 4);
    threads.setName("bench-ws-client");
    threads.setDaemon(true);
    HttpClient http = new HttpClient();
    http.setExecutor(threads);
    http.setMaxConnectionsPerDestination(count * 2 + 16);
    this.client = new WebSocketClient(http);
    client.setIdleTimeout(Duration.ofMinutes(10));
    client.setConnectTimeout(30_000);
    client.setInputBufferSize(4096);
    client.setOutputBufferSize(4096);
    client.start();
  }

  /** Connects every client (at most {@code parallel} handshakes in flight); waits for welcomes. */
  public void connectAll(int parallel, Duration timeout) throws Exception {
    Semaphore inFlight = new Semaphore(parallel);
    List<CompletableFuture<?>> all = new ArrayList<>(count);
    for (User u : users) {
      inFlight.acquire();
      CompletableFuture<?> f = u.connect();
      f.whenComplete(
          (s, e) -> {
            inFlight.release();
            if (e != null && connectFailures.getAndIncrement() < 3) {
              System.err.println("connect of " + u.userId + " failed: " + e);
            }
          });
      all.add(f);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (User u : users) {
      long left = deadline - System.nanoTime();
      if (!u.welcomed.await(Math.max(1, left), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(
            "only " + welcomes.get() + " of " + count + " clients welcomed in " + timeout);
      }
    }
  }

  public int open() {
    int n = 0;
    for (User u : users) {
      Session s = u.session;
      if (s != null && s.isOpen()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() throws Exception {
    reconnect = false;
    reconnects.shutdownNow();
    client.stop();
  }

  /** One user's connection (re-established with its last cursor after a drop). */
  public final class User implements Session.Listener.AutoDemanding {
    final int index;
    public final String userId;
    public volatile Session session;
    volatile String lastCursor;
    volatile java.util.concurrent.CountDownLatch welcomed =
        new java.util.concurrent.CountDownLatch(1);
    public volatile long welcomeNanos;

    /** Time from the latest (re)welcome to the first event after it; 0 until one arrives. */
    public volatile long firstEventAfterWelcomeNanos;

    volatile long lastEventNanos;
    private long lastSeq = -1; // Jetty delivers one connection's messages one at a time
    public volatile long events;

    User(int index) {
      this.index = index;
      this.userId = userPrefix + index;
    }

    CompletableFuture<Session> connect() {
      try {
        return client.connect(this, uri);
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public void onWebSocketOpen(Session s) {
      session = s;
      String cursor = lastCursor;
      String auth =
          "{\"type\":\"auth\",\"token\":\""
              + tokens[index]
              + "\""
              + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"")
              + "}";
      s.sendText(auth, org.eclipse.jetty.websocket.api.Callback.NOOP);
    }

    @Override
    public void onWebSocketText(String m) {
      long now = System.nanoTime();
      if (m.startsWith("{\"type\":\"event\"")) {
        onEvent(m, now);
      } else if (m.startsWith("{\"type\":\"welcome\"")) {
        welcomeNanos = now;
        firstEventAfterWelcomeNanos = 0;
        if (lastCursor != null && m.contains("\"resumed\":false")) {
          notResumed.incrementAndGet();
        }
        welcomes.incrementAndGet();
        welcomed.countDown();
      }
    }

    private void onEvent(String m, long now) {
      long seq = longAfter(m, "\"seq\":");
      int c = m.indexOf("\"cursor\":\"");
      if (c >= 0) {
        int start = c + 10;
        lastCursor = m.substring(start, m.indexOf('"', start));
      }
      events++;
      lastEventNanos = now;
      if (firstEventAfterWelcomeNanos == 0) {
        firstEventAfterWelcomeNanos = Math.max(1, now - welcomeNanos);
      }
      if (seq < 0 || seq >= sendNanos.length) {
        return; // not one of the benchmark's events
      }
      received.incrementAndGet();
      if (lastSeq >= 0) {
        if (seq <= lastSeq) {
          duplicates.incrementAndGet();
          return;
        }
        if (seq > lastSeq + count) {
          gaps.addAndGet((seq - lastSeq) / count - 1);
        }
      }
      lastSeq = seq;
      long sent = sendNanos[(int) seq];
      if (sent != 0 && seq >= measureFrom && seq < measureTo) {
        recorder.recordValue(Math.max(0, (now - sent) / 1000));
      }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      if (closes.getAndIncrement() < 3 && !reconnect) {
        System.err.println(userId + " closed: " + statusCode + " " + reason);
      }
      session = null;
      if (reconnect) {
        welcomed = new java.util.concurrent.CountDownLatch(1);
        // 4012: the gateway drains and asks for a reconnect at once (protocol CloseCode).
        scheduleReconnect(statusCode == RECONNECT_NOW ? 0 : 100);
      }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      // followed by a close, or the connect future fails (handled by the reconnect loop)
    }

    void scheduleReconnect(long delayMs) {
      if (!reconnect) {
        return;
      }
      reconnects.schedule(
          () ->
              connect()
                  .whenComplete(
                      (s, e) -> {
                        if (e != null) {
                          scheduleReconnect(200);
                        }
                      }),
          delayMs,
          TimeUnit.MILLISECONDS);
    }
  }

  public static long longAfter(String s, String key) {
    int at = s.indexOf(key);
    if (at < 0) {
      return -1;
    }
    long v = 0;
    boolean any = false;
    for (int i = at + key.length(); i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        break;
      }
      any = true;
      v = v * 10 + (ch - '0');
    }
    return any ? v : -1;
  }
}
