package io.regen.realtime.platform.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One fault, end to end: tabs of every user connected, traffic on, the fault injected while it
 * flows, traffic again after it, traffic off, then the {@link DeliveryOracle}; the figures are
 * appended to the report.
 *
 * <pre>{@code
 * FaultRun.of(platform, "my-fault").run(publisher -> {
 *   long t0 = System.nanoTime();
 *   ... inject ...
 *   return publisher.awaitAckAfter(t0, Duration.ofSeconds(30)); // recovery, seconds
 * });
 * }</pre>
 */
public final class FaultRun {
  /** The users whose jobs the traffic publishes. */
  public static final List<String> USERS = List.of("fault-alice", "fault-bob");

  /** Tabs per user. */
  public static final int TABS = 2;

  /** The default pace: one job (5 events) per user every 40 ms, ~250 events/s in all. */
  public static final Duration INTERVAL = Duration.ofMillis(40);

  /** What the oracle may wait for once traffic stopped; a healthy platform needs a few seconds. */
  private static final Duration SETTLE = Duration.ofSeconds(60);

  /** The fault itself. */
  @FunctionalInterface
  public interface Fault {
    /** Injects the fault while {@code publisher} publishes; returns the recovery time in s. */
    double inject(SdkPublisher publisher) throws Exception;
  }

  /** A further check once the traffic stopped and the oracle passed. */
  @FunctionalInterface
  public interface AfterTraffic {
    void check(SdkPublisher publisher) throws Exception;
  }

  private final FaultPlatform platform;
  private final String name;
  private List<String> users = USERS;
  private Duration interval = INTERVAL;
  private String note = "";
  private AfterTraffic after = publisher -> {};
  private int messageChars;
  private final List<Tab> alsoChecked = new ArrayList<>();

  private FaultRun(FaultPlatform platform, String name) {
    this.platform = platform;
    this.name = name;
  }

  public static FaultRun of(FaultPlatform platform, String name) {
    return new FaultRun(platform, name);
  }

  /** Publishes for {@code these} users instead of {@link #USERS} (e.g. one per partition). */
  public FaultRun users(List<String> these) {
    this.users = List.copyOf(these);
    return this;
  }

  /** Paces the traffic at one job per user per {@code every} instead of {@link #INTERVAL}. */
  public FaultRun interval(Duration every) {
    this.interval = every;
    return this;
  }

  /** Pads each progress message to about {@code chars} characters (big frames). */
  public FaultRun messageChars(int chars) {
    this.messageChars = chars;
    return this;
  }

  /**
   * Has the oracle check {@code tab} too (a client of the fault's own, e.g. a slow one). It must be
   * connected before {@link #run} starts the traffic: the oracle wants every event of the run.
   */
  public void alsoCheck(Tab tab) {
    alsoChecked.add(tab);
  }

  /** Runs {@code check} after the oracle (before the figures are reported). */
  public FaultRun afterTraffic(AfterTraffic check) {
    this.after = check;
    return this;
  }

  /** Adds a figure of the fault to its report line (call from within the fault). */
  public void note(String figure) {
    note = FaultFigures.joinNotes(note, figure);
  }

  /** Runs the fault and the oracle; returns the figures (already reported). */
  public FaultFigures run(Fault fault) throws Exception {
    List<WebSocketTab> tabs = new ArrayList<>();
    try {
      for (String user : users) {
        for (int t = 0; t < TABS; t++) {
          tabs.add(platform.openTab(user));
        }
      }
      String prefix = name + "-" + System.nanoTime();
      try (SdkPublisher publisher = platform.publisher(prefix, users, interval, messageChars)) {
        publisher.awaitMoreAcknowledged(20, Duration.ofSeconds(30));
        double recovery = fault.inject(publisher);
        publisher.awaitMoreAcknowledged(20, Duration.ofSeconds(60));
        publisher.stop(Duration.ofMinutes(2));
        List<Tab> checked = new ArrayList<>(tabs);
        checked.addAll(alsoChecked);
        FaultFigures figures =
            DeliveryOracle.check(name, platform, publisher, checked, recovery, SETTLE);
        after.check(publisher);
        if (!note.isEmpty()) { // notes added by the fault or the check
          figures = figures.withNote(note);
        }
        figures.report();
        return figures;
      }
    } finally {
      tabs.forEach(WebSocketTab::close);
    }
  }
}
