package io.regen.realtime.bench.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How fast this box is right now, measured the way the platform spends its CPU: plain computation
 * on one thread, and a one-byte round trip over loopback TCP between two threads (two writes, two
 * reads and two thread wake-ups: the shape of every Kafka request and WebSocket frame in the
 * platform). The same commit gave S1 figures a factor of two apart in different sittings on this
 * kind of virtual machine; these two numbers, taken just before a scenario, tell a slower box from
 * a slower platform.
 */
final class BoxCalibration {
  private static final int ROUND_TRIPS = 20_000;

  /** Where the loop's result goes, so that the JIT cannot drop the loop as dead code. */
  private static volatile long loopResult;

  private BoxCalibration() {}

  static Map<String, Object> measure() throws IOException, InterruptedException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("computeNsPerStep", computeNsPerStep());
    r.put("loopbackRoundTripUs", loopbackRoundTripUs());
    return r;
  }

  /** Nanoseconds per step of a fixed integer loop (xorshift), best of three 100 ms runs. */
  private static double computeNsPerStep() {
    long steps = 20_000_000;
    double best = Double.MAX_VALUE;
    for (int run = 0; run < 4; run++) {
      long x = 88172645463325252L + run;
      long t0 = System.nanoTime();
      for (long i = 0; i < steps; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
      }
      long t = System.nanoTime() - t0;
      loopResult = x;
      if (run > 0) { // the first run is the JIT's
        best = Math.min(best, t / (double) steps);
      }
    }
    return Math.round(best * 1000) / 1000.0;
  }

  /** Mean of 20,000 one-byte ping-pongs over a loopback socket, in microseconds. */
  private static double loopbackRoundTripUs() throws IOException, InterruptedException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket served = server.accept()) {
      client.setTcpNoDelay(true);
      served.setTcpNoDelay(true);
      Thread echo =
          new Thread(
              () -> {
                try {
                  InputStream in = served.getInputStream();
                  OutputStream out = served.getOutputStream();
                  int b;
                  while ((b = in.read()) >= 0) {
                    out.write(b);
                  }
                } catch (IOException ignored) {
                  // closed at the end
                }
              },
              "calibration-echo");
      echo.setDaemon(true);
      echo.start();
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      for (int i = 0; i < 2_000; i++) { // warm-up
        out.write(1);
        in.read();
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < ROUND_TRIPS; i++) {
        out.write(1);
        in.read();
      }
      long t = System.nanoTime() - t0;
      client.shutdownOutput();
      echo.join(1_000);
      return Math.round(t / (double) ROUND_TRIPS / 10.0) / 100.0;
    }
  }
}
