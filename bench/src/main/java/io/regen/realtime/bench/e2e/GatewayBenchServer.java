package io.regen.realtime.bench.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The gateway as the WebSocket benchmark runs it: a plain Spring Boot application made only of the
 * auto-configurations on the classpath (the gateway's, with {@code regen.gateway.enabled=true}),
 * started in its own JVM by {@link WebSocketDeliveryBenchmark} so that server and client memory are
 * measured separately. Settings come as {@code --name=value} arguments.
 *
 * <p>Control channel: prints {@code BENCH-READY <port>} once serving; on a {@code stats} line on
 * stdin it runs a full GC and prints {@code BENCH-STATS heap=<bytes after GC> rss=<bytes>}; on end
 * of stdin (the benchmark went away) it stops, so no orphan survives the benchmark.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class GatewayBenchServer {

  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext context = SpringApplication.run(GatewayBenchServer.class, args);
    String port = context.getEnvironment().getProperty("local.server.port");
    System.out.println("BENCH-READY " + port);
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.trim().equals("stats")) {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println("BENCH-STATS heap=" + heap + " rss=" + rssBytes());
        System.out.flush();
      }
    }
    context.close();
    System.exit(0);
  }

  static long rssBytes() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return -1;
  }
}
