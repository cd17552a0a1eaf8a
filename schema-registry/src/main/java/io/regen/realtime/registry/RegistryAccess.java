package io.regen.realtime.registry;

/**
 * What a registry credential may do, each level including the ones before it: {@link #READ} fetches
 * schemas, looks them up and tests compatibility; {@link #WRITE} also registers versions; {@link
 * #ADMIN} also changes compatibility config (and would delete).
 */
public enum RegistryAccess {
  READ,
  WRITE,
  ADMIN;

  /** True when a credential with this access may do what {@code required} needs. */
  public boolean allows(RegistryAccess required) {
    return compareTo(required) >= 0;
  }

  /** Confluent's name of the operation, for 403 messages ("User is denied operation Write ..."). */
  public String operation() {
    return switch (this) {
      case READ -> "Read";
      case WRITE -> "Write";
      case ADMIN -> "AlterConfigs";
    };
  }
}
