package io.regen.realtime.streams.internal;

import io.regen.realtime.streams.AnalyticsReader;
import io.regen.realtime.streams.Histograms;
import io.regen.realtime.streams.StoreKeys;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.state.SessionStats;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * DAU and sessions per UTC day, from user activity keyed (and partitioned) by userId: a user's
 * {@code day|userId} key exists in one task only, so the per-task daily counts are disjoint and sum
 * to the exact number of distinct users.
 */
public final class UserActivityProcessor implements Processor<String, UserActivity, Void, Void> {
  private final Duration grace;
  private KeyValueStore<String, Long> dauUsers;
  private KeyValueStore<String, Long> dauDaily;
  private KeyValueStore<String, SessionStats> sessions;
  private LateRecords late;

  public UserActivityProcessor(Duration grace) {
    this.grace = grace;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    dauUsers = context.getStateStore(Stores.DAU_USERS.name());
    dauDaily = context.getStateStore(Stores.DAU_DAILY.name());
    sessions = context.getStateStore(Stores.SESSIONS_DAILY.name());
    late =
        new LateRecords(context, context.getStateStore(Stores.LATE_ACTIVITY_RECORDS.name()), grace);
  }

  @Override
  public void process(Record<String, UserActivity> record) {
    UserActivity activity = record.value();
    if (activity == null) {
      return;
    }
    long at = activity.getAt();
    String day = StoreKeys.day(at);
    boolean tooLate = late.tooLate(StoreKeys.bucketStart(at, StoreKeys.DAY_MS), StoreKeys.DAY_MS);
    switch (activity.getKind()) {
      case SESSION_STARTED -> {
        if (tooLate) {
          late.count(dauDaily.name());
          late.count(sessions.name());
          return;
        }
        markActive(day, activity.getUserId(), at);
        SessionStats stats = sessionsOf(day);
        stats.setStarted(stats.getStarted() + 1);
        sessions.put(day, stats);
      }
      case JOB_REQUESTED -> {
        if (tooLate) {
          late.count(dauDaily.name());
          return;
        }
        markActive(day, activity.getUserId(), at);
      }
      case SESSION_ENDED -> {
        if (tooLate) {
          late.count(sessions.name());
          return;
        }
        long duration =
            activity.getDurationMs() == null ? 0 : Math.max(0, activity.getDurationMs());
        SessionStats stats = sessionsOf(day);
        stats.setEnded(stats.getEnded() + 1);
        stats.setTotalDurationMs(stats.getTotalDurationMs() + duration);
        stats.setDurationHistogram(Histograms.record(stats.getDurationHistogram(), duration));
        sessions.put(day, stats);
      }
      default -> {}
    }
  }

  private void markActive(String day, String userId, long at) {
    String key = StoreKeys.dauUser(day, userId);
    Long firstSeen = dauUsers.get(key);
    if (firstSeen == null) {
      dauUsers.put(key, at);
      Long count = dauDaily.get(day);
      dauDaily.put(day, (count == null ? 0 : count) + 1);
    } else if (at < firstSeen) {
      dauUsers.put(key, at);
    }
  }

  private SessionStats sessionsOf(String day) {
    SessionStats stats = sessions.get(day);
    return stats != null ? stats : AnalyticsReader.emptySessionStats();
  }

  @Override
  public void close() {
    if (late != null) {
      late.close();
    }
  }
}
