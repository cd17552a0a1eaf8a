package io.regen.realtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The verifier's per-thread HS256 (through {@link JwtVerifier}, as the gateway uses it). */
class PerThreadHs256Test {
  private static final String SECRET = "an-hs256-test-secret-of-at-least-32-bytes!";
  private final JwtSettings settings = JwtSettings.hs256(SECRET);
  private final JwtVerifier verifier = new JwtVerifier(settings);
  private final JwtIssuer issuer = new JwtIssuer(settings);

  @Test
  void aTamperedSignatureOrPayloadIsRefusedAndTheThreadsMacStaysUsable() {
    String token = issuer.issue("alice", List.of(), Duration.ofMinutes(5));
    String[] parts = token.split("\\.");
    char last = parts[2].charAt(0);
    String badSignature =
        parts[0] + "." + parts[1] + "." + (last == 'A' ? 'B' : 'A') + parts[2].substring(1);
    String otherPayload =
        parts[0]
            + "."
            + issuer.issue("mallory", List.of(), Duration.ofMinutes(5)).split("\\.")[1]
            + "."
            + parts[2];

    for (String bad : List.of(badSignature, otherPayload)) {
      assertThatThrownBy(() -> verifier.verify(bad))
          .isInstanceOfSatisfying(
              InvalidTokenException.class,
              e -> assertThat(e.reason()).containsIgnoringCase("signature"));
      assertThat(verifier.verify(token).userId()).isEqualTo("alice");
    }
  }

  @Test
  void threadsVerifyConcurrentlyEachWithItsOwnMac() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  List<String> users = new ArrayList<>();
                  for (int i = 0; i < 200; i++) {
                    String user = "u" + thread + "-" + i;
                    users.add(verifier.verify(issuer.issue(user)).userId());
                  }
                  return users;
                }));
      }
      for (int t = 0; t < 8; t++) {
        List<String> users = results.get(t).get();
        assertThat(users).hasSize(200);
        for (int i = 0; i < 200; i++) {
          assertThat(users.get(i)).isEqualTo("u" + t + "-" + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTokenOfAnotherSecretIsStillRefused() {
    String foreign =
        new JwtIssuer(JwtSettings.hs256("another-secret-that-is-32-bytes-long!!")).issue("alice");
    assertThatThrownBy(() -> verifier.verify(foreign)).isInstanceOf(InvalidTokenException.class);
  }
}
