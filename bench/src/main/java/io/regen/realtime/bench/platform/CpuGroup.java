package io.regen.realtime.bench.platform;

/**
 * Groups of the platform process's threads, told apart by the kernel's thread name ({@code
 * /proc/<pid>/task/<tid>/comm}: the Java thread name cut to 15 characters).
 */
enum CpuGroup {
  BROKER,
  STREAMS,
  ROCKSDB,
  GATEWAY,
  /** Producer / consumer network threads of the embedded clients (workers, Streams, gateway). */
  KAFKA_CLIENTS,
  GC,
  JIT,
  OTHER,
  /**
   * Threads that ended within the interval (e.g. Jetty's idle threads evicted): the process's total
   * minus the live threads'; their names are gone with them.
   */
  ENDED;

  private static final String[] BROKER_PREFIXES = {
    "data-plane-kafk", // request handlers and network threads
    "broker-",
    "controller-",
    "kafka-1-",
    "kafka-scheduler",
    "kafka-log-clean",
    "group-coordinat",
    "quorum-controll",
    "raft-expiration",
    "transaction-log",
    "TxnMarkerSender",
    "AddPartitionsTo",
    "ExpirationReape",
    "share-",
    "persister",
    "PersisterStateM",
    "LogDirFailureHa",
    "executor-",
    "client-metrics-"
  };

  private static final String[] GATEWAY_PREFIXES = {
    "event-dispatche",
    "catch-up-",
    "replay-reader",
    "gateway-",
    "qtp",
    "session-events",
    "presence-",
    "idle-timeout-ta"
  };

  static CpuGroup of(String comm) {
    if (comm.startsWith("regen-streams")) {
      return STREAMS;
    }
    if (comm.startsWith("rocksdb")) {
      return ROCKSDB;
    }
    if (comm.startsWith("kafka-producer-")
        || comm.startsWith("kafka-coordinat")
        || comm.startsWith("kafka-admin-cli")) {
      return KAFKA_CLIENTS;
    }
    if (comm.startsWith("GC Thread")
        || comm.startsWith("G1 ")
        || comm.startsWith("VM Thread")
        || (comm.length() > 1 && comm.charAt(0) == 'Z' && Character.isUpperCase(comm.charAt(1)))) {
      return GC; // the VM thread runs the safepoint (GC pause) operations
    }
    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
      return JIT;
    }
    for (String p : BROKER_PREFIXES) {
      if (comm.startsWith(p)) {
        return BROKER;
      }
    }
    for (String p : GATEWAY_PREFIXES) {
      if (comm.startsWith(p)) {
        return GATEWAY;
      }
    }
    return OTHER;
  }
}
