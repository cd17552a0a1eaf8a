package io.regen.realtime.platform.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code regen <args>} as a separate JVM on the test classpath (the build's jar is not needed),
 * with a controlled environment and its output in a log file under {@code target/}.
 */
public final class RegenProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;

  private RegenProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code regen args...} with {@code env} added to a copy of this JVM's environment. */
  public static RegenProcess start(Map<String, String> env, Path log, String... args)
      throws IOException {
    return startMain(env, log, "io.regen.realtime.platform.RegenMain", args);
  }

  /**
   * Starts {@code mainClass args...} (a class of the test classpath, e.g. a worker made for a fault
   * test) the same way as {@link #start}.
   */
  public static RegenProcess startMain(
      Map<String, String> env, Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // Nothing from the developer's shell may point the child at another cluster or secret.
    for (String name :
        List.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "SCHEMA_REGISTRY_URL",
            "JWT_SECRET",
            "JWT_PUBLIC_KEY",
            "REDIS_URL",
            "REGEN_NODE_ID")) {
      builder.environment().remove(name);
    }
    builder.environment().putAll(env);
    Files.createDirectories(log.getParent());
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return new RegenProcess(builder.start(), log);
  }

  /** Runs {@code regen args...} to completion and returns its stdout (fails on a non-zero exit). */
  public static String runToCompletion(Map<String, String> env, Path log, String... args)
      throws IOException, InterruptedException {
    try (RegenProcess p = start(env, log, args)) {
      if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("regen " + String.join(" ", args) + " did not finish");
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (p.process.exitValue() != 0) {
        throw new IllegalStateException(
            "regen " + String.join(" ", args) + " exited " + p.process.exitValue() + ": " + output);
      }
      return output;
    }
  }

  /** Waits until {@code GET /actuator/health} on {@code port} answers 200 (status UP). */
  public void awaitHealthy(int port, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .failFast(() -> assertRunning("regen"))
        .until(() -> healthStatus(port) == 200);
  }

  /** The HTTP status of {@code /actuator/health}, or -1 when nothing answers. */
  public static int healthStatus(int port) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
              .timeout(Duration.ofSeconds(3))
              .build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Sends SIGTERM and waits for the exit; returns the exit status. */
  public int terminate(Duration timeout) throws InterruptedException {
    signalTerm();
    return awaitExit(timeout);
  }

  /** Sends SIGTERM ({@link Process#destroy()} on Unix) without waiting. */
  public void signalTerm() {
    process.destroy();
  }

  /** Waits for the exit and returns the status; kills the process and fails after the timeout. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("regen did not stop within " + timeout + "; see " + log);
    }
    return process.exitValue();
  }

  /** SIGKILL ({@code kill -9}): no shutdown hooks, no controlled shutdown; waits for the exit. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) to the process. */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Lines of the log's end quoted by {@link #assertRunning}. */
  private static final int TAIL_LINES = 40;

  /**
   * Fails with the exit status and the end of the log when the process has exited: the reason a
   * wait gives up early (an Awaitility fail-fast condition), readable in a CI report without the
   * log file, which a clean-clone CI run does not keep.
   *
   * @param what the process's role in the test, for the message
   */
  public void assertRunning(String what) {
    if (process.isAlive()) {
      return;
    }
    String tail;
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      tail = String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      tail = "(log unreadable: " + e + ")";
    }
    throw new AssertionError(
        what + " exited with status " + process.exitValue() + "; the end of " + log + ":\n" + tail);
  }

  public Path log() {
    return log;
  }

  public String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
