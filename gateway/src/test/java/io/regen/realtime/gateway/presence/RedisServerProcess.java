package io.regen.realtime.gateway.presence;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} child process for tests, on a random free port of 127.0.0.1, without
 * persistence. {@link #restart()} comes back on the same port (with no data, as a crashed Redis
 * without persistence would). {@link #pause()} / {@link #resume()} freeze it (SIGSTOP / SIGCONT) to
 * simulate a hung server. The binary must be on PATH ({@code ./regen test} installs it): a missing
 * binary fails the test, it is never skipped.
 */
public final class RedisServerProcess implements AutoCloseable {
  private final Path binary;
  private final int port;
  private final Path log;
  private Process process;

  private RedisServerProcess(Path binary, int port, Path log) {
    this.binary = binary;
    this.port = port;
    this.log = log;
  }

  /** Starts a server on a free port and waits until it answers PING. */
  public static RedisServerProcess start() {
    try {
      RedisServerProcess server =
          new RedisServerProcess(
              findBinary(), freePort(), Files.createTempFile("redis-server-test", ".log"));
      server.launch();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server", e);
    }
  }

  /**
   * A server on a free port that is not running yet (to test clients started before Redis); {@link
   * #restart()} starts it.
   */
  public static RedisServerProcess notStarted() {
    try {
      return new RedisServerProcess(
          findBinary(), freePort(), Files.createTempFile("redis-server-test", ".log"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare redis-server", e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills the server (SIGKILL: no goodbye to clients) and waits for it to exit. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    process = null;
  }

  /** Starts the server again on the same port, empty. */
  public void restart() {
    stop();
    launch();
  }

  /** Freezes the server: connections stay open but nothing is answered. */
  public void pause() {
    signal("-STOP");
  }

  public void resume() {
    signal("-CONT");
  }

  @Override
  public void close() {
    stop();
  }

  private void launch() {
    process = spawn();
    // Right after a restart the port can still be held briefly and redis-server exits: retry.
    await("redis-server on port " + port + " (log " + log + ")")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (!process.isAlive()) {
                process = spawn();
                return false;
              }
              return answersPing();
            });
  }

  private Process spawn() {
    try {
      return new ProcessBuilder(command())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + binary, e);
    }
  }

  private List<String> command() {
    return List.of(
        binary.toString(),
        "--port",
        Integer.toString(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--maxmemory",
        "64mb");
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int n = in.read(reply);
      return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private void signal(String signal) {
    if (process == null) {
      throw new IllegalStateException("redis-server is not running");
    }
    try {
      Process kill =
          new ProcessBuilder("kill", signal, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path findBinary() {
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        "redis-server is not installed (not found on PATH="
            + path
            + "). The Redis presence tests need a real redis-server: run `./regen test`, which"
            + " installs it, or `apt-get install -y redis-server`.");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
