package io.regen.realtime.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The usual HS256 token checked without jjwt's generic parser, which took about a quarter of the
 * Jetty threads' time in a warm WebSocket connect and more in a cold one (issue 9, S2): the
 * signature first, over the token's own characters, then one streaming pass over header and claims.
 *
 * <p>It only ever <em>accepts</em>: a token it answers for is one that jjwt, configured as the
 * verifier configures it, accepts with the same claims. Everything else — a bad signature, a header
 * other than {@code alg}/{@code typ}/{@code kid}, a registered claim of an unusual type, padding or
 * a non-canonical encoding, an issuer, audience or time check that fails — gets {@code null}, and
 * jjwt decides and words the refusal. So a client sees the same answers with or without it; a
 * forged token costs one HMAC more. {@code JwtVerifierCompactTest} holds the two side by side.
 */
final class CompactHs256 {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final int SIGNATURE_BYTES = 32;

  /** The base64url alphabet and the dot: a compact JWS has no other character. */
  private static final boolean[] TOKEN_CHARS = tokenChars();

  /** A time claim not there, or one that is not whole seconds in range. */
  private static final long NO_SECONDS = -1;

  /** Later than this (9999-12-31) is not a date jjwt and this class read alike. */
  private static final long MAX_SECONDS = 253_402_300_799L;

  private final PerThreadHs256 hmac;
  private final String issuer;
  private final String audience;
  private final long skewMillis;

  CompactHs256(PerThreadHs256 hmac, String issuer, String audience, Duration clockSkew) {
    this.hmac = hmac;
    this.issuer = issuer;
    this.audience = audience;
    this.skewMillis = clockSkew.toMillis();
  }

  /**
   * The token's claims if it is valid as far as jjwt's checks go (signature, algorithm, issuer,
   * audience, {@code exp} and {@code nbf} with the skew); null when jjwt has to judge it.
   */
  VerifiedClaims verify(String token, long nowMillis) {
    int firstDot = token.indexOf('.');
    int secondDot = token.indexOf('.', firstDot + 1);
    if (firstDot <= 0
        || secondDot <= firstDot + 1
        || secondDot >= token.length() - 1
        || !base64UrlOrDots(token)
        || token.indexOf('.', secondDot + 1) >= 0) {
      return null;
    }
    byte[] signature = canonical(token, secondDot + 1, token.length());
    if (signature == null || signature.length != SIGNATURE_BYTES) {
      return null;
    }
    byte[] signed = new byte[secondDot];
    for (int i = 0; i < secondDot; i++) {
      signed[i] = (byte) token.charAt(i); // base64url characters only: ASCII
    }
    if (!hmac.matches(signed, signature)) {
      return null;
    }
    byte[] header = canonical(token, 0, firstDot);
    byte[] payload = canonical(token, firstDot + 1, secondDot);
    if (header == null || payload == null || !plainHs256Header(header)) {
      return null;
    }
    return claims(payload, nowMillis);
  }

  private static boolean base64UrlOrDots(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= TOKEN_CHARS.length || !TOKEN_CHARS[c]) {
        return false;
      }
    }
    return true;
  }

  private static boolean[] tokenChars() {
    boolean[] chars = new boolean[128];
    String allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    allowed.chars().forEach(c -> chars[c] = true);
    return chars;
  }

  /** Decoded, or null unless {@code token[from, to)} is exactly how its bytes encode. */
  private static byte[] canonical(String token, int from, int to) {
    String part = token.substring(from, to);
    try {
      byte[] bytes = DECODER.decode(part);
      return ENCODER.encodeToString(bytes).equals(part) ? bytes : null;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  /**
   * A parser of the decoded part as UTF-8 text, which is how jjwt reads it: given bytes, Jackson
   * would also detect UTF-16 and UTF-32, which jjwt refuses.
   */
  private static JsonParser json(byte[] part) throws IOException {
    return JSON.createParser(new String(part, StandardCharsets.UTF_8));
  }

  /** {@code {"alg":"HS256"}} with at most a {@code typ} and a {@code kid} beside it. */
  private static boolean plainHs256Header(byte[] header) {
    boolean hs256 = false;
    try (JsonParser p = json(header)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (p.nextToken() != JsonToken.VALUE_STRING) {
          return false;
        }
        switch (name) {
          case "alg" -> hs256 = "HS256".equals(p.getText());
          case "typ", "kid" -> {
            // jjwt reads neither for a verification with the configured key
          }
          default -> {
            return false;
          }
        }
      }
      return hs256 && p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null;
    } catch (IOException | RuntimeException malformed) {
      return false;
    }
  }

  private VerifiedClaims claims(byte[] payload, long nowMillis) {
    ClaimsRead claims = new ClaimsRead();
    try (JsonParser p = json(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (!claims.read(name, p.nextToken(), p)) {
          return null;
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
    } catch (IOException | RuntimeException malformed) {
      return null;
    }
    return claims.ifValid(nowMillis);
  }

  /** The claims of one token as the parse goes. */
  private final class ClaimsRead {
    private String sub;
    private boolean issuerMatches;
    private boolean audienceMatches;
    private long exp = NO_SECONDS;
    private long nbf = NO_SECONDS;
    private long iat = NO_SECONDS;
    private final Set<String> roles = new LinkedHashSet<>();

    /** Reads one claim's value; false: not a value this class judges, the token is jjwt's. */
    boolean read(String name, JsonToken value, JsonParser p) throws IOException {
      switch (name) {
        case "iss" -> {
          issuerMatches = value == JsonToken.VALUE_STRING && issuer.equals(p.getText());
          return value == JsonToken.VALUE_STRING;
        }
        case "sub" -> {
          sub = value == JsonToken.VALUE_STRING ? p.getText() : null;
          return sub != null;
        }
        case "jti" -> {
          return value == JsonToken.VALUE_STRING;
        }
        case "aud" -> {
          audienceMatches = audience(p, value);
          return audienceMatches;
        }
        case "exp" -> {
          exp = seconds(p, value);
          return exp != NO_SECONDS;
        }
        case "nbf" -> {
          nbf = seconds(p, value);
          return nbf != NO_SECONDS;
        }
        case "iat" -> {
          iat = seconds(p, value);
          return iat != NO_SECONDS;
        }
        case "roles" -> {
          return roles(p, value, roles);
        }
        default -> {
          p.skipChildren(); // a claim nobody reads: jjwt keeps it, whatever it is
          return true;
        }
      }
    }

    /** What jjwt would accept: issuer, audience, {@code exp} and {@code nbf} with the skew. */
    VerifiedClaims ifValid(long nowMillis) {
      boolean expired = exp == NO_SECONDS || nowMillis - skewMillis > exp * 1000;
      boolean premature = nbf != NO_SECONDS && nowMillis + skewMillis < nbf * 1000;
      if (sub == null || !issuerMatches || !audienceMatches || expired || premature) {
        return null;
      }
      return new VerifiedClaims(
          sub,
          roles,
          Instant.ofEpochSecond(exp),
          iat == NO_SECONDS ? null : Instant.ofEpochSecond(iat));
    }
  }

  private boolean audience(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return audience.equals(p.getText());
    }
    if (value != JsonToken.START_ARRAY) {
      return false;
    }
    boolean found = false;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        return false;
      }
      found |= audience.equals(p.getText());
    }
    return found;
  }

  /** Whole seconds from 0 to {@link #MAX_SECONDS}; {@link #NO_SECONDS} for anything else. */
  private static long seconds(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      return NO_SECONDS;
    }
    long seconds = p.getLongValue();
    return seconds >= 0 && seconds <= MAX_SECONDS ? seconds : NO_SECONDS;
  }

  /** {@code roles} as a string of names or an array of strings, as the verifier reads them. */
  private static boolean roles(JsonParser p, JsonToken value, Set<String> into) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      into.addAll(JwtVerifier.rolesOf(p.getText()));
      return true;
    }
    if (value != JsonToken.START_ARRAY) {
      return false;
    }
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        return false;
      }
      into.add(p.getText());
    }
    return true;
  }
}
