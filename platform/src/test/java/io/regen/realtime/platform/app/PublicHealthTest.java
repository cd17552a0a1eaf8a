package io.regen.realtime.platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** The public port's health answer: the status alone, 200 only when UP (UpSmokeIT: over HTTP). */
class PublicHealthTest {

  @Test
  void upIs200WithTheStatusAlone() {
    var answer = PublicHealth.answer(Status.UP);
    assertThat(answer.getStatusCode().value()).isEqualTo(200);
    assertThat(answer.getBody()).containsExactly(java.util.Map.entry("status", "UP"));
  }

  @Test
  void everyOtherStatusIs503WithTheStatusAlone() {
    for (Status status : new Status[] {Status.DOWN, Status.OUT_OF_SERVICE, Status.UNKNOWN}) {
      var answer = PublicHealth.answer(status);
      assertThat(answer.getStatusCode().value()).as("%s", status).isEqualTo(503);
      assertThat(answer.getBody()).containsExactly(java.util.Map.entry("status", status.getCode()));
    }
  }
}
