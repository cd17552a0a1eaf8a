package io.regen.realtime.gateway.testapp;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/** Captures every log event of the JVM (all loggers, as formatted messages with throwables). */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> {
  private static final CapturedLogs INSTANCE = new CapturedLogs();
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

  /** Attaches the capture to the root logger (idempotent). */
  public static synchronized CapturedLogs attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root.getAppender("captured") == null) {
      INSTANCE.setName("captured");
      INSTANCE.setContext(context);
      INSTANCE.start();
      root.addAppender(INSTANCE);
    }
    return INSTANCE;
  }

  @Override
  protected void append(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ');
    line.append(event.getFormattedMessage());
    var proxy = event.getThrowableProxy();
    while (proxy != null) {
      line.append(" | ").append(proxy.getClassName()).append(": ").append(proxy.getMessage());
      proxy = proxy.getCause();
    }
    lines.add(line.toString());
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }
}
