package io.regen.realtime.query.internal;

import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.query.QueryUnavailableException.Reason;
import io.regen.realtime.streams.StoreDef;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@link StoreLocator} over {@link KafkaStreams}' metadata ({@code queryMetadataForKey}, {@code
 * streamsMetadataForStore}). A store's partitions are the partitions of the source topics of the
 * sub-topology that updates it (read once from the {@link TopologyDescription}), as assigned in the
 * group: that is the set a fan-out must cover.
 */
public final class KafkaStoreLocator implements StoreLocator {
  private final Supplier<KafkaStreams> streams;
  private final Supplier<HostInfo> self;
  private final String applicationId;
  private final Map<String, Set<String>> sourceTopicsByStore;

  public KafkaStoreLocator(
      Supplier<KafkaStreams> streams,
      Supplier<HostInfo> self,
      String applicationId,
      TopologyDescription topology) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.self = Objects.requireNonNull(self, "self");
    this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
    this.sourceTopicsByStore = sourceTopicsByStore(topology);
  }

  /** Store name → the source topics of the sub-topology whose processors use the store. */
  static Map<String, Set<String>> sourceTopicsByStore(TopologyDescription topology) {
    Map<String, Set<String>> byStore = new HashMap<>();
    for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
      Set<String> sources = new HashSet<>();
      Set<String> stores = new HashSet<>();
      for (TopologyDescription.Node node : sub.nodes()) {
        if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
          sources.addAll(source.topicSet());
        } else if (node instanceof TopologyDescription.Processor processor) {
          stores.addAll(processor.stores());
        }
      }
      for (String store : stores) {
        byStore.computeIfAbsent(store, s -> new HashSet<>()).addAll(sources);
      }
    }
    return Map.copyOf(byStore);
  }

  @Override
  public HostInfo self() {
    return self.get();
  }

  @Override
  public <K> KeyQueryMetadata locate(StoreDef<K, ?> store, K key) {
    KeyQueryMetadata metadata;
    try {
      metadata =
          streams.get().queryMetadataForKey(store.name(), key, store.keySerde().serializer());
    } catch (KafkaException | IllegalStateException e) {
      throw new QueryUnavailableException(
          Reason.OWNER_UNKNOWN, "The owner of the key is not known yet: " + e.getMessage(), e);
    }
    if (metadata == null
        || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
        || metadata.activeHost() == null
        || metadata.activeHost().port() < 0) {
      throw new QueryUnavailableException(
          Reason.OWNER_UNKNOWN, "The owner of the key is not known (rebalancing)");
    }
    return metadata;
  }

  @Override
  public KeyQueryMetadata locatePartition(StoreDef<?, ?> store, int partition) {
    Set<String> topics = sourceTopics(store);
    HostInfo active = null;
    Set<HostInfo> standbys = new HashSet<>();
    for (StreamsMetadata metadata : metadata(store)) {
      for (TopicPartition tp : metadata.topicPartitions()) {
        if (tp.partition() == partition && isSource(tp.topic(), topics)) {
          active = metadata.hostInfo();
        }
      }
      for (TopicPartition tp : metadata.standbyTopicPartitions()) {
        if (tp.partition() == partition && isSource(tp.topic(), topics)) {
          standbys.add(metadata.hostInfo());
        }
      }
    }
    if (active == null) {
      throw new QueryUnavailableException(
          Reason.OWNER_UNKNOWN,
          "Partition " + partition + " of " + store + " is not assigned (rebalancing)");
    }
    standbys.remove(active);
    return new KeyQueryMetadata(active, standbys, partition);
  }

  private Set<String> sourceTopics(StoreDef<?, ?> store) {
    Set<String> topics = sourceTopicsByStore.get(store.name());
    if (topics == null || topics.isEmpty()) {
      throw new IllegalArgumentException("The topology has no store " + store);
    }
    return topics;
  }

  @Override
  public Set<HostInfo> activeHosts(StoreDef<?, ?> store) {
    Set<HostInfo> hosts = new HashSet<>();
    for (StreamsMetadata metadata : metadata(store)) {
      if (metadata.stateStoreNames().contains(store.name())) {
        hosts.add(metadata.hostInfo());
      }
    }
    if (hosts.isEmpty()) {
      throw new QueryUnavailableException(
          Reason.OWNER_UNKNOWN, "No instance hosts " + store + " (rebalancing)");
    }
    return hosts;
  }

  @Override
  public Set<Integer> partitions(StoreDef<?, ?> store) {
    Set<String> topics = sourceTopics(store);
    Set<Integer> partitions = new TreeSet<>();
    for (StreamsMetadata metadata : metadata(store)) {
      for (TopicPartition tp : metadata.topicPartitions()) {
        if (isSource(tp.topic(), topics)) {
          partitions.add(tp.partition());
        }
      }
    }
    if (partitions.isEmpty()) {
      throw new QueryUnavailableException(
          Reason.OWNER_UNKNOWN, "The partitions of " + store + " are not assigned yet");
    }
    return partitions;
  }

  private boolean isSource(String topic, Set<String> sources) {
    // Internal (repartition) topics are described without the application id prefix.
    return sources.contains(topic)
        || (topic.startsWith(applicationId + "-")
            && sources.contains(topic.substring(applicationId.length() + 1)));
  }

  private Collection<StreamsMetadata> metadata(StoreDef<?, ?> store) {
    try {
      return streams.get().streamsMetadataForStore(store.name());
    } catch (KafkaException | IllegalStateException e) {
      throw new QueryUnavailableException(
          Reason.OWNER_UNKNOWN, "Stream metadata is not available: " + e.getMessage(), e);
    }
  }
}
