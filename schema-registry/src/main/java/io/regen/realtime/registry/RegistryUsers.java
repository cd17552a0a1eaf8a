package io.regen.realtime.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's HTTP Basic credentials, as Confluent's registry reads them from its JAAS password
 * file: one line per user, {@code user: password,role} with role {@code read}, {@code write} or
 * {@code admin} (see {@link RegistryAccess}); {@code #} starts a comment. {@link #NONE} means
 * authentication is off (the registry is open to whoever reaches its port).
 */
public final class RegistryUsers {
  /** No credentials: every request is allowed (the default on a loopback-only registry). */
  public static final RegistryUsers NONE = new RegistryUsers(Map.of());

  private record Credential(byte[] password, RegistryAccess access) {}

  private final Map<String, Credential> users;

  private RegistryUsers(Map<String, Credential> users) {
    this.users = Map.copyOf(users);
  }

  /** Parses the password-file text; every malformed line is an error naming its line number. */
  public static RegistryUsers parse(String text) {
    Map<String, Credential> users = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      int comma = line.lastIndexOf(',');
      if (colon <= 0 || comma < colon) {
        throw new IllegalArgumentException(
            "registry users line " + (i + 1) + ": expected 'user: password,role'");
      }
      String user = line.substring(0, colon).strip();
      String password = line.substring(colon + 1, comma).strip();
      String role = line.substring(comma + 1).strip();
      RegistryAccess access;
      try {
        access = RegistryAccess.valueOf(role.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "registry users line "
                + (i + 1)
                + ": role must be read, write or admin, got '"
                + role
                + "'");
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException(
            "registry users line " + (i + 1) + ": empty password for " + user);
      }
      if (users.put(user, new Credential(password.getBytes(StandardCharsets.UTF_8), access))
          != null) {
        throw new IllegalArgumentException(
            "registry users line " + (i + 1) + ": user " + user + " listed twice");
      }
    }
    if (users.isEmpty()) {
      throw new IllegalArgumentException("registry users: no user defined");
    }
    return new RegistryUsers(users);
  }

  /** Reads and parses a password file. */
  public static RegistryUsers fromFile(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read registry users file " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** True when requests must carry a credential. */
  public boolean enabled() {
    return !users.isEmpty();
  }

  /**
   * The access of the credential in an {@code Authorization} header value; empty when the header is
   * missing, not Basic, malformed, names an unknown user or has the wrong password.
   */
  public Optional<RegistryAccess> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).strip()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    Credential credential = users.get(decoded.substring(0, colon));
    byte[] given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
    // Constant-time comparison, also for unknown users, so timing reveals neither.
    byte[] expected = credential == null ? new byte[given.length + 1] : credential.password();
    boolean matches = MessageDigest.isEqual(expected, given);
    return matches && credential != null ? Optional.of(credential.access()) : Optional.empty();
  }
}
