package io.regen.realtime.streams;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.streams.internal.EventTimeExtractor;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The platform topics as streams, registered once per builder (a topic can be the source of only
 * one node in a topology, and several topologies read the same topics). Timestamps are event time
 * (see {@link EventTimeExtractor}).
 */
public record InputStreams(
    KStream<String, JobEvent> jobEvents,
    KStream<String, JobRequest> jobRequests,
    KStream<String, SessionEvent> sessions) {

  public static InputStreams register(StreamsBuilder builder, TopologySettings settings) {
    return new InputStreams(
        stream(builder, settings, Topics.JOB_EVENTS),
        stream(builder, settings, Topics.JOB_REQUESTS),
        stream(builder, settings, Topics.GATEWAY_SESSIONS));
  }

  private static <V extends org.apache.avro.specific.SpecificRecord> KStream<String, V> stream(
      StreamsBuilder builder, TopologySettings settings, Topic<String, V> topic) {
    return builder.stream(
        topic.name(),
        Consumed.with(topic.keySerde(), settings.serdes().valueSerde(topic))
            .withTimestampExtractor(new EventTimeExtractor())
            .withName("source-" + topic.name()));
  }
}
