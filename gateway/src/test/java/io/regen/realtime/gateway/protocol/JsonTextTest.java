package io.regen.realtime.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JsonTextTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static String literal(String s) {
    StringBuilder sb = new StringBuilder();
    JsonText.string(sb, s);
    return sb.toString();
  }

  @Test
  void plainStringsAreCopiedAsTheyAre() {
    assertThat(literal("")).isEqualTo("\"\"");
    assertThat(literal("x".repeat(63) + " é✓")).isEqualTo("\"" + "x".repeat(63) + " é✓\"");
    assertThat(literal(null)).isEqualTo("null");
  }

  @Test
  void escapesFromTheFirstCharacterThatNeedsItOn() {
    assertThat(literal("\"")).isEqualTo("\"\\\"\"");
    assertThat(literal("ab\\cd\"e\nf")).isEqualTo("\"ab\\\\cd\\\"e\\nf\"");
    assertThat(literal("a\u0001b\u2028c\u2029")).isEqualTo("\"a\\u0001b\\u2028c\\u2029\"");
    for (String s : new String[] {"tab\tand\rreturn", "\u001f", "end\\", "mixed é \" \u0000"}) {
      assertThat(JSON.readTree(literal(s)).asString()).isEqualTo(s);
    }
  }
}
