package io.regen.realtime.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobProgress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class EventTypesTest {

  private static List<Schema> payloadSchemas() {
    return JobEvent.getClassSchema().getField("payload").schema().getTypes();
  }

  @Test
  void everyPayloadOfTheUnionHasAWireNameAndBack() throws Exception {
    for (Schema payload : payloadSchemas()) {
      @SuppressWarnings("unchecked")
      Class<? extends SpecificRecord> type =
          (Class<? extends SpecificRecord>) SpecificData.get().getClass(payload);
      assertThat(type).as(payload.getFullName()).isNotNull();
      Object instance = type.getDeclaredConstructor().newInstance();
      String wireName = EventTypes.wireName(instance);
      assertThat(wireName).matches("[a-z]+:[a-z]+:v\\d+");
      assertThat(EventTypes.payloadClass(wireName)).contains(type);
    }
    Set<String> classes =
        payloadSchemas().stream().map(Schema::getFullName).collect(Collectors.toSet());
    assertThat(EventTypes.all().values().stream().map(Class::getName).collect(Collectors.toSet()))
        .isEqualTo(classes);
  }

  @Test
  void wireNamesAreTheDocumentedOnes() {
    assertThat(EventTypes.all().keySet())
        .containsExactlyInAnyOrder(
            "job:started:v1",
            "job:progress:v1",
            "model:chunk:v1",
            "research:step:v1",
            "job:completed:v1",
            "job:failed:v1",
            "job:cancelled:v1");
  }

  @Test
  void unknownPayloadsAreRefusedAndUnknownNamesAreEmpty() {
    assertThatThrownBy(() -> EventTypes.wireName("text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> EventTypes.wireName(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(EventTypes.payloadClass("job:progress:v2")).isEmpty();
  }

  @Test
  void terminalPayloadsAreCompletedFailedAndCancelled() {
    assertThat(EventTypes.isTerminal(new JobCompleted())).isTrue();
    assertThat(EventTypes.isTerminal(new JobFailed())).isTrue();
    assertThat(EventTypes.isTerminal(new JobCancelled())).isTrue();
    assertThat(EventTypes.isTerminal(new JobProgress())).isFalse();
  }
}
