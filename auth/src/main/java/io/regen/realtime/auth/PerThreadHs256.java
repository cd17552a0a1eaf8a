package io.regen.realtime.auth;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.MacAlgorithm;
import io.jsonwebtoken.security.SecretKeyBuilder;
import io.jsonwebtoken.security.SecureRequest;
import io.jsonwebtoken.security.SecurityException;
import io.jsonwebtoken.security.VerifySecureDigestRequest;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * jjwt's HS256 with one initialised {@link Mac} per thread for the verifier's own key. jjwt's
 * algorithm looks the {@code Mac} up ({@code Mac.getInstance}, provider choice) and initialises it
 * with the key for every token — a visible share of a WebSocket connect (issue 9, S2). Verifying is
 * the same HMAC-SHA256 compared in constant time; any other key, and signing, go to jjwt's {@link
 * Jwts.SIG#HS256}.
 */
final class PerThreadHs256 implements MacAlgorithm {
  private static final MacAlgorithm JJWT = Jwts.SIG.HS256;
  private static final int BUFFER_BYTES = 1024;

  private final SecretKey key;
  private final ThreadLocal<Mac> macs;

  PerThreadHs256(SecretKey key) {
    this.key = key;
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
    newMac(key); // a key the JCA refuses fails here, at start, not at the first token
  }

  @Override
  public String getId() {
    return JJWT.getId();
  }

  @Override
  public int getKeyBitLength() {
    return JJWT.getKeyBitLength();
  }

  @Override
  public SecretKeyBuilder key() {
    return JJWT.key();
  }

  @Override
  public byte[] digest(SecureRequest<InputStream, SecretKey> request) {
    return JJWT.digest(request);
  }

  @Override
  public boolean verify(VerifySecureDigestRequest<SecretKey> request) {
    if (request.getKey() != key && !key.equals(request.getKey())) {
      return JJWT.verify(request);
    }
    Mac mac = macs.get();
    byte[] buffer = new byte[BUFFER_BYTES];
    try (InputStream in = request.getPayload()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        mac.update(buffer, 0, n);
      }
    } catch (IOException e) {
      mac.reset();
      throw new SecurityException("cannot read the signed content: " + e.getMessage(), e);
    }
    return MessageDigest.isEqual(mac.doFinal(), request.getDigest());
  }

  /** Whether {@code digest} is the HMAC-SHA256 of {@code content} with this key (constant time). */
  boolean matches(byte[] content, byte[] digest) {
    return MessageDigest.isEqual(macs.get().doFinal(content), digest);
  }

  private static Mac newMac(SecretKey key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("HS256 key refused: " + e.getMessage(), e);
    }
  }
}
