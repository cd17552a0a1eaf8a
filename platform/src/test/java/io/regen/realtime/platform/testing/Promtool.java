package io.regen.realtime.platform.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool} (Debian package {@code prometheus}; {@code ./regen test}
 * installs it). A missing promtool fails the test with the command that installs it.
 */
public final class Promtool {
  private Promtool() {}

  /** The findings of {@code promtool check metrics} on an exposition; empty when it is clean. */
  public static String checkMetrics(String exposition) throws IOException, InterruptedException {
    Result result = run(List.of("check", "metrics"), exposition);
    return result.output().strip();
  }

  /** {@code promtool check rules <file>}: the exit status and output. */
  public static Result checkRules(Path file) throws IOException, InterruptedException {
    return run(List.of("check", "rules", file.toString()), null);
  }

  public record Result(int exitCode, String output) {}

  private static Result run(List<String> args, String stdin)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add("promtool");
    command.addAll(args);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "promtool is missing: run ./regen test, or apt-get install prometheus", e);
    }
    try (var in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("promtool " + args + " did not finish");
    }
    return new Result(process.exitValue(), output);
  }
}
