package io.regen.realtime.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StartJobParserTest {
  private final JsonMapper json = JsonMapper.builder().build();
  private final StartJobParser parser = new StartJobParser(100, 3);

  private JsonNode node(String text) {
    return json.readTree(text);
  }

  @Test
  void keepsStringsAndWritesOtherValuesAsJson() {
    StartJob job =
        parser.parse(
            node(
                "{\"jobType\":\"model\",\"input\":{\"p\":\"hi\",\"n\":3,\"o\":{\"x\":true}},"
                    + "\"idempotencyKey\":\"k\"}"));
    assertThat(job.jobType()).isEqualTo("model");
    assertThat(job.input())
        .containsEntry("p", "hi")
        .containsEntry("n", "3")
        .containsEntry("o", "{\"x\":true}");
    assertThat(job.idempotencyKey()).isEqualTo("k");
  }

  @Test
  void refusesBadShapesAndOversizedInput() {
    for (String bad :
        new String[] {
          "{}",
          "{\"jobType\":5}",
          "{\"jobType\":\"Has Spaces\"}",
          "{\"jobType\":\"model\",\"input\":[1]}",
          "{\"jobType\":\"model\",\"input\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4}}",
          "{\"jobType\":\"model\",\"input\":{\"a\":\"" + "x".repeat(101) + "\"}}",
          "{\"jobType\":\"model\",\"idempotencyKey\":7}",
          "{\"jobType\":\"model\",\"idempotencyKey\":\"\"}",
          "[]"
        }) {
      assertThatThrownBy(() -> parser.parse(node(bad)))
          .as(bad)
          .isInstanceOf(JobCommandException.class)
          .extracting(e -> ((JobCommandException) e).code())
          .isEqualTo(JobCommandException.INVALID);
    }
  }
}
