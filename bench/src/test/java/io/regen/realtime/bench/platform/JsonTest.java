package io.regen.realtime.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesNestedValuesAndEscapesStrings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", 1);
    m.put("b", List.of(1.5, true));
    m.put("c", "q\"\\\n\u0001");
    m.put("d", null);
    m.put("e", Double.NaN);
    assertThat(Json.write(m))
        .isEqualTo(
            "{\"a\":1,\"b\":[1.5,true],\"c\":\"q\\\"\\\\\\n\\u0001\",\"d\":null,\"e\":null}");
  }
}
