package io.regen.realtime.query.runtime;

import io.regen.realtime.streams.StreamsConfigFactory;
import io.regen.realtime.streams.StreamsSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this instance's {@link KafkaStreams} over the processors' topology. Started once the HTTP
 * port is known (it is the {@code application.server} advertised to the other instances), closed on
 * shutdown. A stream thread that dies is replaced (under exactly-once its transaction is aborted,
 * nothing is lost or doubled). Restoration is reported to a {@link RestoreTracker}. Thread-safe.
 */
public final class StreamsRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamsRuntime.class);

  private final Topology topology;
  private final StreamsSettings baseSettings;
  private final RestoreTracker restore = new RestoreTracker();
  private final List<Consumer<KafkaStreams>> onStart = new CopyOnWriteArrayList<>();
  private final Duration closeTimeout;
  private volatile KafkaStreams streams;
  private volatile HostInfo self;
  private volatile StreamsSettings settings;

  /**
   * @param topology the processors' topology (built by the caller, e.g. {@code
   *     RegenTopology.build})
   * @param settings this instance's settings; the application server is filled in by {@link #start}
   *     when null
   */
  public StreamsRuntime(Topology topology, StreamsSettings settings, Duration closeTimeout) {
    this.topology = Objects.requireNonNull(topology, "topology");
    this.baseSettings = Objects.requireNonNull(settings, "settings");
    this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
  }

  /** Runs {@code action} with the KafkaStreams object when it is created (e.g. to bind metrics). */
  public void onStart(Consumer<KafkaStreams> action) {
    onStart.add(action);
    KafkaStreams current = streams;
    if (current != null) {
      action.accept(current);
    }
  }

  /**
   * Starts Kafka Streams, advertising {@code applicationServer} ({@code host:port}) unless the
   * settings name one. Idempotent.
   */
  public synchronized void start(String applicationServer) {
    if (streams != null) {
      return;
    }
    StreamsSettings s =
        baseSettings.applicationServer() != null
            ? baseSettings
            : baseSettings.withApplicationServer(applicationServer);
    Properties config = StreamsConfigFactory.create(s);
    KafkaStreams ks = new KafkaStreams(topology, config);
    ks.setGlobalStateRestoreListener(restore);
    ks.setUncaughtExceptionHandler(
        e -> {
          log.error("Stream thread failed; replacing it", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    ks.setStateListener(
        (next, previous) -> log.info("Kafka Streams {}: {} -> {}", s.instanceId(), previous, next));
    String[] hostPort = s.applicationServer().split(":");
    this.self = new HostInfo(hostPort[0], Integer.parseInt(hostPort[1]));
    this.settings = s;
    this.streams = ks;
    for (Consumer<KafkaStreams> action : onStart) {
      action.accept(ks);
    }
    ks.start();
    log.info(
        "Kafka Streams {} started (application {}, server {}, standbys {})",
        s.instanceId(),
        s.applicationId(),
        s.applicationServer(),
        s.numStandbyReplicas());
  }

  /** The running KafkaStreams, or null before {@link #start}. */
  public KafkaStreams streams() {
    return streams;
  }

  /** The current state, null before {@link #start}. */
  public KafkaStreams.State state() {
    KafkaStreams ks = streams;
    return ks == null ? null : ks.state();
  }

  /** This instance's advertised {@code application.server}, null before {@link #start}. */
  public HostInfo self() {
    return self;
  }

  public String applicationId() {
    return baseSettings.applicationId();
  }

  public String instanceId() {
    return baseSettings.instanceId();
  }

  /** The settings in effect (with the resolved application server once started). */
  public StreamsSettings settings() {
    StreamsSettings s = settings;
    return s == null ? baseSettings : s;
  }

  public TopologyDescription topology() {
    return topology.describe();
  }

  public RestoreTracker restore() {
    return restore;
  }

  @Override
  public synchronized void close() {
    KafkaStreams ks = streams;
    if (ks != null) {
      ks.close(closeTimeout);
      log.info("Kafka Streams {} closed", baseSettings.instanceId());
    }
  }
}
