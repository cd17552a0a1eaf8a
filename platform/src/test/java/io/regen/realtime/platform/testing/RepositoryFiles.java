package io.regen.realtime.platform.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files at the repository's root (deployment files, runbooks), seen from a module's tests. */
public final class RepositoryFiles {
  private RepositoryFiles() {}

  /** The repository root: the first parent of the working directory with {@code regen} in it. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("regen"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  public static Path resolve(String relative) {
    return root().resolve(relative);
  }
}
