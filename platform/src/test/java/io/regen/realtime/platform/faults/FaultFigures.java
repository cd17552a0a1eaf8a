package io.regen.realtime.platform.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What one fault did to the traffic: the line of {@code target/fault-suite/report.txt}.
 *
 * @param fault the fault's name
 * @param traffic what happened to the events
 * @param recoverySeconds the fault's recovery time (its definition is the fault's)
 * @param note further figures of the fault, or empty
 */
public record FaultFigures(String fault, Traffic traffic, double recoverySeconds, String note) {

  /** Where the suite's figures go, relative to the module directory. */
  public static final Path REPORT = Path.of("target", "fault-suite", "report.txt");

  /**
   * The events of one fault run.
   *
   * @param produced events handed to the SDK
   * @param acknowledged events the brokers acknowledged
   * @param delivered deliveries to tabs (an event counts once per tab of its user)
   * @param tabs connected tabs
   * @param duplicated deliveries of an event a tab had already been shown
   * @param neverPublishedShown deliveries of an event that was never handed to the SDK
   * @param jobsCheckedInState jobs whose end was acknowledged, checked COMPLETED in job state
   */
  public record Traffic(
      long produced,
      long acknowledged,
      long delivered,
      int tabs,
      long duplicated,
      long neverPublishedShown,
      long jobsCheckedInState) {

    String line() {
      return String.format(
          "produced %6d acknowledged %6d delivered %7d (to %d tabs) duplicated %d"
              + " never-published-shown %d jobs-complete-in-state %d",
          produced,
          acknowledged,
          delivered,
          tabs,
          duplicated,
          neverPublishedShown,
          jobsCheckedInState);
    }
  }

  /** This fault's figures with {@code extra} appended to the note. */
  public FaultFigures withNote(String extra) {
    return new FaultFigures(fault, traffic, recoverySeconds, joinNotes(note, extra));
  }

  /** {@code note} and {@code extra}, separated by "; " when both are there. */
  public static String joinNotes(String note, String extra) {
    return note.isEmpty() ? extra : note + "; " + extra;
  }

  public String line() {
    return String.format(
        "%-30s %s recovery %.1f s%s",
        fault, traffic.line(), recoverySeconds, note.isEmpty() ? "" : " | " + note);
  }

  /** Appends {@link #line()} to the report (created on first use) and prints it. */
  public void report() throws IOException {
    Files.createDirectories(REPORT.getParent());
    Files.writeString(
        REPORT,
        line() + System.lineSeparator(),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    System.out.println("FAULT-SUITE " + line());
  }
}
