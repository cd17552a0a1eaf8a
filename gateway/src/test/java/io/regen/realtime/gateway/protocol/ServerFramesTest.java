package io.regen.realtime.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.ResearchStep;
import io.regen.realtime.schemas.LogPosition;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ServerFramesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final ServerFrames encoder = new ServerFrames();

  private static JobEvent event(Object payload) {
    return JobEvent.newBuilder()
        .setEventId("e-1")
        .setJobId("job \"1\"")
        .setUserId("u")
        .setSeq(7)
        .setOccurredAt(Instant.parse("2026-11-24T10:15:30.123Z"))
        .setProducer("w")
        .setPayload(payload)
        .build();
  }

  @Test
  void eventFrameFollowsTheProtocolWithPayloadFieldsAsData() {
    JobEvent e =
        event(new ResearchStep(3, "Title with \n newline, \u0001 and \u2028", null, "sum"));
    String frame = encoder.eventFrame(e, new LogPosition(4, 1234));
    JsonNode f = JSON.readTree(frame);
    assertThat(f.get("type").asString()).isEqualTo("event");
    assertThat(f.get("cursor").asString()).isEqualTo("v1.4.1234");
    assertThat(f.has("replay")).isFalse();
    JsonNode ev = f.get("event");
    assertThat(ev.get("type").asString()).isEqualTo("research:step:v1");
    assertThat(ev.get("eventId").asString()).isEqualTo("e-1");
    assertThat(ev.get("jobId").asString()).isEqualTo("job \"1\"");
    assertThat(ev.get("seq").asLong()).isEqualTo(7);
    assertThat(ev.get("occurredAt").asString()).isEqualTo("2026-11-24T10:15:30.123Z");
    JsonNode data = ev.get("data");
    assertThat(data.get("step").asInt()).isEqualTo(3);
    assertThat(data.get("title").asString()).isEqualTo("Title with \n newline, \u0001 and \u2028");
    assertThat(data.get("url").isNull()).isTrue();
    assertThat(data.get("summary").asString()).isEqualTo("sum");
    assertThat(frame).doesNotContain("\u2028").doesNotContain("\u0001");
  }

  @Test
  void framesBuiltOneAfterAnotherOnOneThreadAreIndependentAndAHugeOneIsWhole() {
    String big = "y".repeat(200_000);
    String first = encoder.eventFrame(event(new ResearchStep(1, "a", null, "s")), pos(1));
    String huge = encoder.eventFrame(event(new ResearchStep(2, big, null, "s")), pos(2));
    String after = encoder.replayFrame(event(new ResearchStep(3, "c", null, "s")), pos(3), "r");
    assertThat(JSON.readTree(first).get("event").get("data").get("title").asString())
        .isEqualTo("a");
    assertThat(JSON.readTree(huge).get("event").get("data").get("title").asString()).isEqualTo(big);
    JsonNode f = JSON.readTree(after);
    assertThat(f.get("replay").asString()).isEqualTo("r");
    assertThat(f.get("cursor").asString()).isEqualTo("v1.0.3");
    assertThat(f.get("event").get("data").get("title").asString()).isEqualTo("c");
    assertThat(after).doesNotContain("yy").hasSizeLessThan(1_000);
  }

  private static LogPosition pos(long offset) {
    return new LogPosition(0, offset);
  }

  @Test
  void eventFramesCarryTheAttemptOfTheRun() {
    JobEvent e = event(new io.regen.realtime.events.JobProgress(10, "again"));
    assertThat(
            JSON.readTree(encoder.eventFrame(e, new LogPosition(0, 1)))
                .get("event")
                .get("attempt")
                .asInt())
        .isEqualTo(1); // written before attempts existed, or a first run
    e.setAttempt(2);
    JsonNode ev = JSON.readTree(encoder.eventFrame(e, new LogPosition(0, 2))).get("event");
    assertThat(ev.get("attempt").asInt()).isEqualTo(2);
    assertThat(ev.get("seq").asLong()).isEqualTo(e.getSeq());
  }

  @Test
  void replayFramesCarryTheReplayIdAndEndWithACount() {
    JobEvent e = event(new io.regen.realtime.events.JobFailed("boom", "m", true));
    JsonNode f = JSON.readTree(encoder.replayFrame(e, new LogPosition(0, 1), "r-9"));
    assertThat(f.get("replay").asString()).isEqualTo("r-9");
    assertThat(f.get("event").get("data").get("retryable").asBoolean()).isTrue();
    JsonNode end = JSON.readTree(encoder.replayEndFrame("r-9", "job", 42, false));
    assertThat(end.get("type").asString()).isEqualTo("replay_end");
    assertThat(end.get("count").asLong()).isEqualTo(42);
    assertThat(end.get("truncated").asBoolean()).isFalse();
    assertThat(
            JSON.readTree(encoder.replayEndFrame("r-9", "job", 42, true))
                .get("truncated")
                .asBoolean())
        .isTrue();
    JsonNode history = JSON.readTree(encoder.historyTruncatedLine("job", new LogPosition(3, 77)));
    assertThat(history.get("type").asString()).isEqualTo("history");
    assertThat(history.get("truncated").asBoolean()).isTrue();
    assertThat(history.get("partition").asInt()).isEqualTo(3);
    assertThat(history.get("logStartOffset").asLong()).isEqualTo(77);
    JsonNode cut = JSON.readTree(encoder.replayEndFrame("r-9", "job", 7, false, true));
    assertThat(cut.get("type").asString()).isEqualTo("replay_end");
    assertThat(cut.get("count").asLong()).isEqualTo(7);
    assertThat(cut.get("truncated").asBoolean()).isFalse();
    assertThat(cut.get("scanBudgetReached").asBoolean()).isTrue();
    assertThat(end.has("scanBudgetReached")).isFalse();
    assertThat(JSON.readTree(encoder.eventObject(e)).get("type").asString())
        .isEqualTo("job:failed:v1");
  }

  @Test
  void unavailableIsARetryableErrorWithRetryAfter() {
    JsonNode f = JSON.readTree(encoder.unavailable(null, "delivery unavailable, try again", 1000));
    assertThat(f.get("type").asString()).isEqualTo("error");
    assertThat(f.get("code").asString()).isEqualTo("unavailable");
    assertThat(f.get("retryAfterMs").asLong()).isEqualTo(1000);
    assertThat(JSON.readTree(encoder.rateLimited("x", "slow down", 5)).get("code").asString())
        .isEqualTo("rate_limited");
  }

  @Test
  void unknownPayloadTypeIsRefused() {
    JobEvent e = event(new io.regen.realtime.events.JobCancelled("x"));
    e.setPayload("not a payload");
    assertThatThrownBy(() -> encoder.eventFrame(e, new LogPosition(0, 0)))
        .isInstanceOf(ServerFrames.UnknownPayloadException.class);
  }

  @Test
  void controlFramesCarryTheirFieldsAndEscapeStrings() {
    JsonNode welcome = JSON.readTree(encoder.welcome("u \"1\"", "s-1", null, true, 25_000));
    assertThat(welcome.get("type").asString()).isEqualTo("welcome");
    assertThat(welcome.has("id")).isFalse();
    assertThat(welcome.get("userId").asString()).isEqualTo("u \"1\"");
    assertThat(welcome.get("sessionId").asString()).isEqualTo("s-1");
    assertThat(welcome.get("cursor").isNull()).isTrue();
    assertThat(welcome.get("resumed").asBoolean()).isTrue();
    assertThat(welcome.get("heartbeatMs").asLong()).isEqualTo(25_000);

    JsonNode error = JSON.readTree(encoder.error("c-1", ErrorCodes.NOT_FOUND, "no job\n\u0001"));
    assertThat(error.get("type").asString()).isEqualTo("error");
    assertThat(error.get("id").asString()).isEqualTo("c-1");
    assertThat(error.get("code").asString()).isEqualTo("not_found");
    assertThat(error.get("message").asString()).isEqualTo("no job\n\u0001");

    JsonNode limited = JSON.readTree(encoder.rateLimited(null, "slow down", 1_500));
    assertThat(limited.get("code").asString()).isEqualTo("rate_limited");
    assertThat(limited.get("retryAfterMs").asLong()).isEqualTo(1_500);
    assertThat(JSON.readTree(encoder.ack("a", "job-1")).get("jobId").asString()).isEqualTo("job-1");
    assertThat(JSON.readTree(encoder.pong("p")).get("id").asString()).isEqualTo("p");
    assertThat(JSON.readTree(encoder.reauthed("r", 42)).get("expiresAt").asLong()).isEqualTo(42);
    assertThat(JSON.readTree(encoder.tokenExpiring(60_000)).get("inMs").asLong()).isEqualTo(60_000);
  }
}
