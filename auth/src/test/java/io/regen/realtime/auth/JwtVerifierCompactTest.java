package io.regen.realtime.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link CompactHs256} beside jjwt: every token, of the usual shape or not, valid or not, gets the
 * same answer (the same user, or the same refusal and reason) from the verifier with and without
 * it; and the usual tokens are in fact accepted by it, not left to jjwt.
 */
class JwtVerifierCompactTest {
  private static final String SECRET = "an-hs256-test-secret-of-at-least-32-bytes!";
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final long NOW_S = NOW.getEpochSecond();
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  private static final String CLAIMS =
      "{\"sub\":\"alice\",\"iss\":\"regen\",\"aud\":\"regen-realtime\",\"iat\":"
          + NOW_S
          + ",\"exp\":"
          + (NOW_S + 300)
          + "}";

  private final JwtSettings settings = JwtSettings.hs256(SECRET);
  private final JwtVerifier withCompact = new JwtVerifier(settings, CLOCK, true);
  private final JwtVerifier jjwtOnly = new JwtVerifier(settings, CLOCK, false);
  private final CompactHs256 compact =
      new CompactHs256(
          new PerThreadHs256(key(SECRET)),
          settings.issuer(),
          settings.audience(),
          settings.clockSkew());

  @Test
  void everyTokenGetsTheSameAnswerWithAndWithoutTheCompactCheck() {
    Map<String, String> tokens = new LinkedHashMap<>();
    headers().forEach((name, header) -> tokens.put("header " + name, signed(header, CLAIMS)));
    claims().forEach((name, claims) -> tokens.put("claims " + name, signed(HEADER, claims)));
    encodings().forEach((name, token) -> tokens.put("encoding " + name, token));
    for (var charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
      tokens.put("header in " + charset, signed(HEADER.getBytes(charset), utf8(CLAIMS)));
      tokens.put("claims in " + charset, signed(utf8(HEADER), CLAIMS.getBytes(charset)));
    }
    tokens.put("claims not UTF-8", signed(utf8(HEADER), latin1(CLAIMS.replace("alice", "zoë"))));
    jjwtBuilt().forEach((name, token) -> tokens.put("jjwt " + name, token));

    int accepted = 0;
    int answeredCompactly = 0;
    for (var e : tokens.entrySet()) {
      Outcome expected = outcome(jjwtOnly, e.getValue());
      assertThat(outcome(withCompact, e.getValue())).as(e.getKey()).isEqualTo(expected);
      if (expected.user() != null) {
        accepted++;
      }
      if (compact.verify(e.getValue(), NOW.toEpochMilli()) != null) {
        answeredCompactly++; // its answer was compared above; the verifier's own checks follow it
      }
    }
    assertThat(accepted).as("the cases include valid tokens").isGreaterThan(15);
    assertThat(answeredCompactly).as("and most of them are answered compactly").isGreaterThan(12);
    assertThat(tokens.size() - accepted).as("and many refusals").isGreaterThan(40);
  }

  @Test
  void theIssuersTokensAndTheUsualShapesAreAnsweredCompactly() {
    JwtIssuer issuer = new JwtIssuer(settings, CLOCK);
    for (String token :
        List.of(
            issuer.issue("alice"),
            issuer.issue("bob", List.of("analyst", "ops"), Duration.ofMinutes(10)),
            signed(HEADER, CLAIMS),
            signed("{\"alg\":\"HS256\"}", CLAIMS),
            signed(HEADER, CLAIMS.replace("\"regen-realtime\"", "[\"x\",\"regen-realtime\"]")))) {
      VerifiedClaims claims = compact.verify(token, NOW.toEpochMilli());
      assertThat(claims).as(token).isNotNull();
      assertThat(withCompact.verify(token)).isEqualTo(jjwtOnly.verify(token));
    }
    VerifiedClaims bob =
        compact.verify(
            issuer.issue("bob", List.of("analyst", "ops"), Duration.ofMinutes(10)),
            NOW.toEpochMilli());
    assertThat(bob.subject()).isEqualTo("bob");
    assertThat(bob.roles()).containsExactly("analyst", "ops");
    assertThat(bob.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
    assertThat(bob.issuedAt()).isEqualTo(NOW);
  }

  @Test
  void aForgedOrTamperedTokenIsNeverAnsweredCompactly() {
    String good = signed(HEADER, CLAIMS);
    String otherKey = signed(HEADER, CLAIMS, "another-secret-that-is-32-bytes-long!!");
    String[] parts = good.split("\\.");
    String tamperedClaims = parts[0] + "." + b64(CLAIMS.replace("alice", "admin")) + "." + parts[2];
    for (String token : List.of(otherKey, tamperedClaims, parts[0] + "." + parts[1] + ".")) {
      assertThat(compact.verify(token, NOW.toEpochMilli())).as(token).isNull();
      assertThat(outcome(withCompact, token).user()).isNull();
    }
  }

  private static Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("alg only", "{\"alg\":\"HS256\"}");
    h.put("typ and kid", "{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"k1\"}");
    h.put("white space", "{ \"alg\" : \"HS256\" ,\n\"typ\":\"JWT\" }");
    h.put("duplicate alg", "{\"alg\":\"HS256\",\"alg\":\"HS256\"}");
    h.put("alg twice, none last", "{\"alg\":\"HS256\",\"alg\":\"none\"}");
    h.put("crit", "{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}");
    h.put("b64 false", "{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}");
    h.put("zip", "{\"alg\":\"HS256\",\"zip\":\"DEF\"}");
    h.put("cty", "{\"alg\":\"HS256\",\"cty\":\"JWT\"}");
    h.put("jku", "{\"alg\":\"HS256\",\"jku\":\"https://attacker.example/jwks\"}");
    h.put("HS384", "{\"alg\":\"HS384\"}");
    h.put("none", "{\"alg\":\"none\"}");
    h.put("lower case", "{\"alg\":\"hs256\"}");
    h.put("no alg", "{\"typ\":\"JWT\"}");
    h.put("typ a number", "{\"alg\":\"HS256\",\"typ\":5}");
    h.put("alg null", "{\"alg\":null}");
    h.put("an array", "[\"HS256\"]");
    h.put("trailing garbage", "{\"alg\":\"HS256\"}x");
    h.put("two objects", "{\"alg\":\"HS256\"}{}");
    h.put("not json", "alg=HS256");
    h.put("empty", "");
    return h;
  }

  private static Map<String, String> claims() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("usual", CLAIMS);
    c.put("no iat", without(CLAIMS, ",\"iat\":" + NOW_S));
    c.put(
        "aud array with ours", CLAIMS.replace("\"regen-realtime\"", "[\"a\",\"regen-realtime\"]"));
    c.put("aud array without", CLAIMS.replace("\"regen-realtime\"", "[\"a\",\"b\"]"));
    c.put("aud empty array", CLAIMS.replace("\"regen-realtime\"", "[]"));
    c.put("aud a number", CLAIMS.replace("\"regen-realtime\"", "5"));
    c.put("aud with a number", CLAIMS.replace("\"regen-realtime\"", "[\"regen-realtime\",5]"));
    c.put("aud other", CLAIMS.replace("\"regen-realtime\"", "\"other\""));
    c.put("no aud", without(CLAIMS, ",\"aud\":\"regen-realtime\""));
    c.put("iss other", CLAIMS.replace("\"iss\":\"regen\"", "\"iss\":\"other\""));
    c.put("iss a number", CLAIMS.replace("\"iss\":\"regen\"", "\"iss\":7"));
    c.put("no iss", without(CLAIMS, ",\"iss\":\"regen\""));
    c.put("no sub", CLAIMS.replace("\"sub\":\"alice\",", ""));
    c.put("sub a number", CLAIMS.replace("\"alice\"", "42"));
    c.put("sub null", CLAIMS.replace("\"alice\"", "null"));
    c.put("sub empty", CLAIMS.replace("\"alice\"", "\"\""));
    c.put("sub blank", CLAIMS.replace("\"alice\"", "\"  \""));
    c.put("sub with a newline", CLAIMS.replace("\"alice\"", "\"alice\\nadmin\""));
    c.put("sub escaped", CLAIMS.replace("\"alice\"", "\"\\u0061lice\""));
    c.put("sub unicode", CLAIMS.replace("\"alice\"", "\"zoë-日本\""));
    c.put("sub too long", CLAIMS.replace("\"alice\"", "\"" + "a".repeat(300) + "\""));
    c.put("sub twice", CLAIMS.replace("\"sub\":\"alice\",", "\"sub\":\"alice\",\"sub\":\"bob\","));
    c.put("no exp", without(CLAIMS, ",\"exp\":" + (NOW_S + 300)));
    c.put("exp past the skew", exp(CLAIMS, Long.toString(NOW_S - 31)));
    c.put("exp within the skew", exp(CLAIMS, Long.toString(NOW_S - 29)));
    c.put("exp exactly the skew ago", exp(CLAIMS, Long.toString(NOW_S - 30)));
    c.put("exp a string", exp(CLAIMS, "\"" + (NOW_S + 300) + "\""));
    c.put("exp a float", exp(CLAIMS, (NOW_S + 300) + ".5"));
    c.put("exp exponent", exp(CLAIMS, "1.8e9"));
    c.put("exp negative", exp(CLAIMS, "-5"));
    c.put("exp huge", exp(CLAIMS, "100000000000000000000"));
    c.put("exp null", exp(CLAIMS, "null"));
    c.put("exp twice", CLAIMS.replace("}", ",\"exp\":" + (NOW_S + 400) + "}"));
    c.put("lifetime a day and more", exp(CLAIMS, Long.toString(NOW_S + 86_401)));
    c.put("lifetime a day", exp(CLAIMS, Long.toString(NOW_S + 86_400)));
    c.put(
        "no iat, a day and more", exp(without(CLAIMS, ",\"iat\":" + NOW_S), "" + (NOW_S + 90_000)));
    c.put("iat in the future", CLAIMS.replace("\"iat\":" + NOW_S, "\"iat\":" + (NOW_S + 60)));
    c.put("iat within the skew", CLAIMS.replace("\"iat\":" + NOW_S, "\"iat\":" + (NOW_S + 20)));
    c.put("iat a string", CLAIMS.replace("\"iat\":" + NOW_S, "\"iat\":\"" + NOW_S + "\""));
    c.put("nbf in the future", with(CLAIMS, "\"nbf\":" + (NOW_S + 60)));
    c.put("nbf within the skew", with(CLAIMS, "\"nbf\":" + (NOW_S + 30)));
    c.put("nbf past", with(CLAIMS, "\"nbf\":" + (NOW_S - 60)));
    c.put("nbf a string", with(CLAIMS, "\"nbf\":\"soon\""));
    c.put("roles a string", with(CLAIMS, "\"roles\":\"analyst, ops  x\""));
    c.put("roles blank", with(CLAIMS, "\"roles\":\"  \""));
    c.put("roles an array", with(CLAIMS, "\"roles\":[\"analyst\",\"ops\",\"analyst\"]"));
    c.put("roles numbers", with(CLAIMS, "\"roles\":[1,2]"));
    c.put("roles null", with(CLAIMS, "\"roles\":null"));
    c.put("roles an object", with(CLAIMS, "\"roles\":{\"a\":1}"));
    c.put("jti", with(CLAIMS, "\"jti\":\"id-1\""));
    c.put("jti a number", with(CLAIMS, "\"jti\":9"));
    c.put("other claims", with(CLAIMS, "\"x\":{\"y\":[1,{\"z\":null}]},\"n\":null,\"f\":1.5"));
    c.put("other claim twice", with(CLAIMS, "\"x\":1,\"x\":2"));
    c.put("trailing garbage", CLAIMS + "x");
    c.put("two objects", CLAIMS + "{}");
    c.put("an array", "[" + CLAIMS + "]");
    c.put("a string", "\"alice\"");
    c.put("empty object", "{}");
    c.put("empty", "");
    c.put("truncated", CLAIMS.substring(0, CLAIMS.length() - 1));
    return c;
  }

  private static Map<String, String> encodings() {
    String good = signed(HEADER, CLAIMS);
    String[] p = good.split("\\.");
    Map<String, String> e = new LinkedHashMap<>();
    e.put("usual", good);
    e.put("surrounded by spaces", "  " + good + " ");
    e.put("padded claims", p[0] + "." + padded(p[1]) + "." + p[2]);
    e.put("padded signature", p[0] + "." + p[1] + "." + p[2] + "=");
    e.put("signature with the last unused bits set", p[0] + "." + p[1] + "." + lastBitSet(p[2]));
    e.put("signature flipped", p[0] + "." + p[1] + "." + flipped(p[2]));
    e.put("signature truncated", p[0] + "." + p[1] + "." + p[2].substring(0, 40));
    e.put("signature in the standard alphabet", p[0] + "." + p[1] + "." + standard(p[2]));
    e.put("no signature", p[0] + "." + p[1] + ".");
    e.put("four parts", good + ".x");
    e.put("two parts", p[0] + "." + p[1]);
    e.put("empty header", "." + p[1] + "." + p[2]);
    e.put("a space inside", p[0] + ". " + p[1] + "." + p[2]);
    e.put("dots only", "..");
    e.put("garbage", "not.a.jwt");
    return e;
  }

  private Map<String, String> jjwtBuilt() {
    JwtIssuer issuer = new JwtIssuer(settings, CLOCK);
    Date exp = Date.from(NOW.plusSeconds(300));
    Map<String, String> j = new LinkedHashMap<>();
    j.put("issuer", issuer.issue("alice"));
    j.put("issuer with roles", issuer.issue("bob", List.of("analyst"), Duration.ofMinutes(5)));
    j.put(
        "single audience",
        Jwts.builder()
            .subject("carol")
            .issuer("regen")
            .audience()
            .single("regen-realtime")
            .expiration(exp)
            .signWith(key(SECRET), Jwts.SIG.HS256)
            .compact());
    j.put(
        "audience set",
        Jwts.builder()
            .subject("dave")
            .issuer("regen")
            .audience()
            .add(List.of("regen-realtime", "other"))
            .and()
            .expiration(exp)
            .id("jti-1")
            .notBefore(Date.from(NOW.minusSeconds(5)))
            .claim("roles", List.of("ops"))
            .signWith(key(SECRET), Jwts.SIG.HS256)
            .compact());
    j.put(
        "compressed",
        Jwts.builder()
            .subject("erin")
            .issuer("regen")
            .audience()
            .single("regen-realtime")
            .expiration(exp)
            .compressWith(Jwts.ZIP.DEF)
            .signWith(key(SECRET), Jwts.SIG.HS256)
            .compact());
    j.put(
        "HS512 with a longer key",
        Jwts.builder()
            .subject("frank")
            .issuer("regen")
            .audience()
            .single("regen-realtime")
            .expiration(exp)
            .signWith(key(SECRET + SECRET), Jwts.SIG.HS512)
            .compact());
    return j;
  }

  private record Outcome(AuthenticatedUser user, String message, String reason) {}

  private static Outcome outcome(JwtVerifier verifier, String token) {
    try {
      return new Outcome(verifier.verify(token), null, null);
    } catch (InvalidTokenException e) {
      return new Outcome(null, e.getMessage(), e.reason());
    }
  }

  private static String signed(String header, String claims) {
    return signed(header, claims, SECRET);
  }

  private static String signed(String header, String claims, String secret) {
    return signed(utf8(header), utf8(claims), secret);
  }

  private static String signed(byte[] header, byte[] claims) {
    return signed(header, claims, SECRET);
  }

  private static String signed(byte[] header, byte[] claims, String secret) {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String content = base64.encodeToString(header) + "." + base64.encodeToString(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] sig = mac.doFinal(content.getBytes(StandardCharsets.US_ASCII));
      return content + "." + base64.encodeToString(sig);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] latin1(String json) {
    return json.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(utf8(json));
  }

  private static String padded(String part) {
    return part + "=".repeat((4 - part.length() % 4) % 4);
  }

  /** 43 characters carry 258 bits for 256: set the last character's two unused bits. */
  private static String lastBitSet(String signature) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = signature.charAt(signature.length() - 1);
    int value = alphabet.indexOf(last) | 0b11;
    return signature.substring(0, signature.length() - 1) + alphabet.charAt(value);
  }

  private static String flipped(String signature) {
    char first = signature.charAt(0);
    return (first == 'A' ? 'B' : 'A') + signature.substring(1);
  }

  /** The same bytes in base64's standard alphabet (the same token if it has neither - nor _). */
  private static String standard(String signature) {
    return signature.replace('-', '+').replace('_', '/');
  }

  private static String without(String claims, String part) {
    return claims.replace(part, "");
  }

  private static String with(String claims, String part) {
    return claims.substring(0, claims.length() - 1) + "," + part + "}";
  }

  private static String exp(String claims, String value) {
    return claims.replace("\"exp\":" + (NOW_S + 300), "\"exp\":" + value);
  }

  private static SecretKey key(String secret) {
    return Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
  }
}
