package io.regen.realtime.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The WebSocket layer's meters. Prometheus names: {@code active_socket_connections}, {@code
 * gateway_frames_sent_total}, {@code gateway_frames_received_total}, {@code
 * gateway_handshakes_rejected_total{reason}}, {@code gateway_socket_closes_total{code}}, {@code
 * gateway_errors_total{code}}, {@code gateway_listener_failures_total{listener}}.
 */
public final class GatewayMetrics {
  private final MeterRegistry registry;
  private final Counter framesSent;
  private final Counter framesReceived;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.framesSent =
        Counter.builder("gateway.frames.sent")
            .description("WebSocket text frames written to clients")
            .register(registry);
    this.framesReceived =
        Counter.builder("gateway.frames.received")
            .description("WebSocket text frames received from clients")
            .register(registry);
  }

  /** Meters on a private registry, for unit tests. */
  public static GatewayMetrics noop() {
    return new GatewayMetrics(new SimpleMeterRegistry());
  }

  public void activeConnections(Supplier<Number> count) {
    Gauge.builder("active.socket.connections", count)
        .description("Open WebSocket connections on this node")
        .register(registry);
  }

  /** {@code gateway_outbound_queued_frames}: frames waiting in all sessions' outbound buffers. */
  public void queuedFrames(Supplier<Number> frames) {
    Gauge.builder("gateway.outbound.queued.frames", frames)
        .description("Frames waiting in the outbound buffers of all sessions on this node")
        .register(registry);
  }

  public void frameSent() {
    framesSent.increment();
  }

  public void frameReceived() {
    framesReceived.increment();
  }

  public void handshakeRejected(String reason) {
    counter("gateway.handshakes.rejected", "reason", reason, "Refused WebSocket handshakes")
        .increment();
  }

  public void closed(int code) {
    counter("gateway.socket.closes", "code", Integer.toString(code), "WebSocket closes by code")
        .increment();
  }

  public void error(String code) {
    counter("gateway.errors", "code", code, "Error frames sent, by code").increment();
  }

  public void listenerFailure(String listener) {
    counter(
            "gateway.listener.failures",
            "listener",
            listener,
            "Failed presence/session notifications (delivery is unaffected)")
        .increment();
  }

  private Counter counter(String name, String tag, String value, String description) {
    return counters.computeIfAbsent(
        name + '|' + value,
        k -> Counter.builder(name).tag(tag, value).description(description).register(registry));
  }
}
