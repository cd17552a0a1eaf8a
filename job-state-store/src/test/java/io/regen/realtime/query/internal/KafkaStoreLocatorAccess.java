package io.regen.realtime.query.internal;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.TopologyDescription;

/** Test access to the locator's package-private topology analysis. */
public final class KafkaStoreLocatorAccess {
  private KafkaStoreLocatorAccess() {}

  public static Map<String, Set<String>> sourceTopicsByStore(TopologyDescription topology) {
    return KafkaStoreLocator.sourceTopicsByStore(topology);
  }
}
