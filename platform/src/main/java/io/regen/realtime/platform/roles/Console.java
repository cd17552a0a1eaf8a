package io.regen.realtime.platform.roles;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/** What the launcher tells the person at the terminal (stdout), apart from the logs. */
final class Console {
  private Console() {}

  static void line(String format, Object... args) {
    System.out.println("regen: " + String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  /** Seconds since this JVM started (process start, before class loading). */
  static double secondsSinceJvmStart() {
    return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
        / 1000.0;
  }
}
