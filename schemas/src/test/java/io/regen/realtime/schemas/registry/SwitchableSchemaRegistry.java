package io.regen.realtime.schemas.registry;

import java.net.ConnectException;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * A registry for tests that can be taken down: while down every call fails the way an unreachable
 * {@link HttpSchemaRegistryClient} fails ({@link SchemaRegistryUnavailableException}); otherwise it
 * answers from its delegate. Shared with other modules through the schemas test-jar.
 */
public final class SwitchableSchemaRegistry implements SchemaRegistryClient {
  private final SchemaRegistryClient delegate;
  private volatile boolean down;
  private final java.util.concurrent.atomic.AtomicLong refused =
      new java.util.concurrent.atomic.AtomicLong();

  public SwitchableSchemaRegistry(SchemaRegistryClient delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  public void goDown() {
    down = true;
  }

  public void comeBack() {
    down = false;
  }

  /** Calls refused while down: how often a client tried (and retried) during the outage. */
  public long refusedCalls() {
    return refused.get();
  }

  private SchemaRegistryClient up() {
    if (down) {
      refused.incrementAndGet();
      throw new SchemaRegistryUnavailableException(
          "Schema registry at switchable-test-registry unreachable",
          new ConnectException("Connection refused"));
    }
    return delegate;
  }

  @Override
  public int register(String subject, Schema schema) {
    return up().register(subject, schema);
  }

  @Override
  public int lookupId(String subject, Schema schema) {
    return up().lookupId(subject, schema);
  }

  @Override
  public Schema schemaById(int id) {
    return up().schemaById(id);
  }

  @Override
  public List<Integer> versions(String subject) {
    return up().versions(subject);
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    return up().version(subject, version);
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return up().latest(subject);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return up().isCompatible(subject, schema);
  }

  @Override
  public CompatibilityLevel compatibility(String subject) {
    return up().compatibility(subject);
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    up().setCompatibility(subject, level);
  }
}
