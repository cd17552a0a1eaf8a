package io.regen.realtime.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroBinarySerdeTest {
  private final AvroBinarySerde<JobEvent> serde = new AvroBinarySerde<>(JobEvent.class);

  @Test
  void roundTripsARecordWithItsLogicalTypes() {
    JobEvent event = TestEvents.progress("j1", 7, 40);
    JobEvent back = serde.deserialize("t", serde.serialize("t", event));
    assertThat(back).isEqualTo(event);
    assertThat(back.getOccurredAt()).isEqualTo(event.getOccurredAt());
    assertThat(serde.serialize("t", null)).isNull();
    assertThat(serde.deserialize("t", null)).isNull();
  }

  @Test
  void isTheRegistryFramingsBodyWithoutTheHeader() {
    JobEvent event = TestEvents.progress("j2", 1, 10);
    byte[] plain = serde.serialize("t", event);
    byte[] framed =
        new RegistryAvroSerializer<>(new InMemorySchemaRegistryClient(), "s", JobEvent.class, true)
            .serialize("t", event);
    assertThat(Arrays.copyOfRange(framed, WireFormat.HEADER_SIZE, framed.length)).isEqualTo(plain);
  }

  @Test
  void garbageIsASerializationExceptionNamingTheType() {
    assertThatThrownBy(() -> serde.deserialize("t", new byte[] {(byte) 0xff, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot read JobEvent");
  }
}
