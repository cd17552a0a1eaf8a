package io.regen.realtime.platform.faults;

import java.util.List;

/** A client of one user whose shown events the {@link DeliveryOracle} checks. */
public interface Tab {
  /** The user the tab is signed in as. */
  String user();

  /** Every event shown so far whose jobId starts with {@code prefix}, in the order shown. */
  List<EventId> shown(String prefix);
}
