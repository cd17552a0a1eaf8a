package io.regen.realtime.platform.config;

import io.regen.realtime.auth.JwtSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * The HS256 secret used when {@code JWT_SECRET} is not set: random, generated once, kept in the
 * data directory (owner-readable only) and reused, so tokens from {@code regen token} stay valid
 * across restarts of {@code regen up}. For local development only.
 */
public final class DevSecret {
  public static final String FILE_NAME = "dev-jwt-secret";
  private static final int RANDOM_BYTES = 48;

  private DevSecret() {}

  /** The secret stored in {@code dataDir}, created now if there is none. */
  public static String loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (Files.exists(file)) {
        return read(file);
      }
      Files.createDirectories(dataDir);
      byte[] random = new byte[RANDOM_BYTES];
      new SecureRandom().nextBytes(random);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      return publish(file, secret);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the dev JWT secret in " + file, e);
    }
  }

  /**
   * The secret to sign and verify with: {@code JWT_SECRET} when set, otherwise the dev secret in
   * the data directory (created when missing).
   */
  public static String resolve(RegenEnvironment env) {
    return env.get(RegenEnvironment.JWT_SECRET).orElseGet(() -> loadOrCreate(env.dataDir()));
  }

  /**
   * Writes the secret to a temporary file that is owner-only from its creation (never a moment
   * readable by others, never half-written), then links it in place atomically; a process that
   * linked first wins and its secret is used.
   */
  private static String publish(Path file, String secret) throws IOException {
    Path temp = createOwnerOnly(file.resolveSibling(FILE_NAME + "." + UUID.randomUUID() + ".tmp"));
    try {
      Files.writeString(temp, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException raced) {
        return read(file); // another process created it first: use theirs
      } catch (UnsupportedOperationException noHardLinks) {
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
          return read(file);
        }
      }
      return secret;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static Path createOwnerOnly(Path path) throws IOException {
    try {
      return Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      // Non-POSIX file systems keep their default permissions.
      return Files.createFile(path);
    }
  }

  private static String read(Path file) throws IOException {
    String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (secret.getBytes(StandardCharsets.UTF_8).length < JwtSettings.MIN_SECRET_BYTES) {
      throw new IllegalStateException(
          file + " holds a secret shorter than " + JwtSettings.MIN_SECRET_BYTES + " bytes");
    }
    return secret;
  }
}
