package io.regen.realtime.platform.roles;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Map;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The class-data sharing training run of {@code ./regen build} ({@code REGEN_TRAINING_RUN=true}):
 * the role starts as it does for users, with its web server and management listener bound (on free
 * ports, so a training run never collides with a running platform), answers one health request on
 * each listener, and then stops through its normal shutdown. The archive (Java 17's dynamic CDS, or
 * Java 25's AOT cache) then holds the classes of the whole start, the first requests and the stop,
 * not only those loaded up to the refreshed context: those were about 1,000 of a restarted
 * gateway's 12,600 classes (docs/performance.md, "S4 start-up"). Against the unreachable broker of
 * the training, the health answers are 503; only that an answer came matters.
 */
final class TrainingRun {
  private static final int TIMEOUT_MILLIS = 10_000;

  private TrainingRun() {}

  /** Server and management ports of 0: the listeners bind free ports. */
  static void useFreePorts(Map<String, Object> properties) {
    properties.put("server.port", 0);
    properties.put("management.server.port", 0);
  }

  /** One health request on each listener, as a readiness probe and an operator would send. */
  static void exercise(ConfigurableApplicationContext app) {
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    Console.line("training run: public health answered %d", healthStatus(port));
    Integer management = app.getEnvironment().getProperty("local.management.port", Integer.class);
    if (management != null) {
      Console.line("training run: management health answered %d", healthStatus(management));
    }
  }

  /** The status of {@code GET /actuator/health}, or -1 when nothing answered. */
  private static int healthStatus(int port) {
    try {
      HttpURLConnection http =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + port + "/actuator/health").toURL().openConnection();
      http.setConnectTimeout(TIMEOUT_MILLIS);
      http.setReadTimeout(TIMEOUT_MILLIS);
      int status = http.getResponseCode();
      InputStream body = status < 400 ? http.getInputStream() : http.getErrorStream();
      if (body != null) {
        try (body) {
          body.readAllBytes();
        }
      }
      http.disconnect();
      return status;
    } catch (IOException e) {
      Console.line("training run: no health answer on port %d (%s)", port, e);
      return -1;
    }
  }
}
