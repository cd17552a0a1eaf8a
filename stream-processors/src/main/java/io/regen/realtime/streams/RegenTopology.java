package io.regen.realtime.streams;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/** The whole processing topology of the platform: job state plus analytics. */
public final class RegenTopology {
  private RegenTopology() {}

  public static Topology build(TopologySettings settings) {
    StreamsBuilder builder = new StreamsBuilder();
    addTo(builder, settings);
    return builder.build();
  }

  /** Adds every part to an existing builder (registers the input topics once). */
  public static void addTo(StreamsBuilder builder, TopologySettings settings) {
    InputStreams inputs = InputStreams.register(builder, settings);
    JobStateTopology.addTo(builder, inputs, settings);
    AnalyticsTopology.addTo(builder, inputs, settings);
  }
}
