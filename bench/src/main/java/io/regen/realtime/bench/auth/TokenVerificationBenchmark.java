package io.regen.realtime.bench.auth;

import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.bench.platform.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * CPU of one token verification, as a WebSocket connect or a first lookup pays it: {@code --tokens}
 * distinct HS256 tokens from {@link JwtIssuer} (default 9,000, under the verifier's memory of
 * verified tokens, so that every verification is a first one), verified by a fresh {@link
 * JwtVerifier} per round, alternately with its compact check and {@linkplain
 * JwtVerifier#withoutCompactCheck without} (every token through jjwt). Per round and kind: mean,
 * p50, p99 of the single verifications (HdrHistogram, ns). Single-threaded; the first rounds show a
 * cold JVM, the last ones a warm one.
 *
 * <pre>
 * mvn -q -pl bench -am install -DskipTests -Dspotless.check.skip=true
 * mvn -q -pl bench exec:java -Dexec.mainClass=io.regen.realtime.bench.auth.TokenVerificationBenchmark \
 *     -Dexec.args="--tokens 9000 --rounds 12"
 * </pre>
 */
public final class TokenVerificationBenchmark {
  private TokenVerificationBenchmark() {}

  public static void main(String[] args) {
    Options options = Options.parse(args, 0);
    int tokens = options.intOpt("tokens", 9_000);
    int rounds = options.intOpt("rounds", 12);
    JwtSettings settings = JwtSettings.hs256("token-verification-benchmark-secret-32-bytes+");
    JwtIssuer issuer = new JwtIssuer(settings);
    List<String> issued = new ArrayList<>(tokens);
    for (int i = 0; i < tokens; i++) {
      issued.add(issuer.issue("user-" + i, List.of("viewer"), Duration.ofHours(1)));
    }
    System.out.printf(Locale.ROOT, "%d distinct tokens per round, %d rounds%n", tokens, rounds);
    System.out.printf(
        Locale.ROOT, "%-6s %-8s %10s %10s %10s%n", "round", "check", "mean ns", "p50 ns", "p99 ns");
    for (int round = 1; round <= rounds; round++) {
      report(round, "jjwt", run(issued, () -> JwtVerifier.withoutCompactCheck(settings)));
      report(round, "compact", run(issued, () -> new JwtVerifier(settings)));
    }
  }

  private static Histogram run(List<String> tokens, Supplier<JwtVerifier> factory) {
    JwtVerifier verifier = factory.get();
    Histogram histogram = new Histogram(3);
    long sink = 0;
    for (String token : tokens) {
      long start = System.nanoTime();
      sink += verifier.verify(token).userId().length();
      histogram.recordValue(System.nanoTime() - start);
    }
    if (sink == 0) {
      throw new IllegalStateException("no token verified");
    }
    return histogram;
  }

  private static void report(int round, String check, Histogram h) {
    System.out.printf(
        Locale.ROOT,
        "%-6d %-8s %10.0f %10d %10d%n",
        round,
        check,
        h.getMean(),
        h.getValueAtPercentile(50),
        h.getValueAtPercentile(99));
  }
}
