package io.regen.realtime.schemas.registry;

class InMemorySchemaRegistryClientContractTest extends SchemaRegistryClientContract {
  @Override
  protected SchemaRegistryClient newClient() {
    return new InMemorySchemaRegistryClient();
  }
}
