import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one test class once in this JVM and exits 0 only when every test passed and none was
 * skipped or aborted (a skipped test is not a pass). Used by scripts/repeat-its.sh, which starts a
 * fresh JVM per run so that no Spring context, broker or static state carries over between runs.
 */
public final class RepeatIt {
  public static void main(String[] args) throws Exception {
    Class<?> testClass = Class.forName(args[0]);
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
        listener);
    TestExecutionSummary summary = listener.getSummary();
    PrintWriter out = new PrintWriter(System.out, true);
    summary.printFailuresTo(out, 30);
    long ok = summary.getTestsSucceededCount();
    long bad =
        summary.getTestsFailedCount()
            + summary.getTestsAbortedCount()
            + summary.getTestsSkippedCount()
            + summary.getContainersFailedCount();
    out.printf("RESULT %s tests=%d succeeded=%d bad=%d%n", args[0], summary.getTestsFoundCount(), ok, bad);
    System.exit(bad == 0 && ok > 0 ? 0 : 1);
  }
}
