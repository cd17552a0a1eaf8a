package io.regen.realtime.platform.roles;

import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.cli.UsageException;
import io.regen.realtime.platform.config.DevSecret;
import io.regen.realtime.platform.config.RegenEnvironment;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code regen token <userId> [--roles r1,r2] [--ttl 1h]}: prints an HS256 JWT signed with {@code
 * JWT_SECRET}, or with the dev secret of the data directory (the one {@code regen up} uses). Only
 * the token goes to stdout, so {@code TOKEN=$(./regen token alice)} works.
 */
public final class TokenCommand implements Role {
  static final Duration DEFAULT_TTL = Duration.ofHours(1);

  @Override
  public String name() {
    return "token";
  }

  @Override
  public String usage() {
    return "<userId> [--roles r1,r2] [--ttl 1h]";
  }

  @Override
  public String summary() {
    return "print a JWT for a user (JWT_SECRET or the dev secret in REGEN_DATA_DIR)";
  }

  @Override
  public int run(CommandLine commandLine, RegenEnvironment env, PrintStream out) {
    out.println(token(commandLine, env));
    return 0;
  }

  static String token(CommandLine commandLine, RegenEnvironment env) {
    commandLine.expect(1, Set.of("roles", "ttl"));
    if (commandLine.positionals().isEmpty() || commandLine.positionals().get(0).isBlank()) {
      throw new UsageException("token needs a user id, e.g. 'regen token alice'");
    }
    String userId = commandLine.positionals().get(0);
    List<String> roles = commandLine.option("roles").map(CommandLine::parseList).orElse(List.of());
    Duration ttl = commandLine.option("ttl").map(CommandLine::parseDuration).orElse(DEFAULT_TTL);
    JwtSettings settings =
        new JwtSettings(
            DevSecret.resolve(env),
            null,
            env.get(RegenEnvironment.JWT_ISSUER).orElse(null),
            env.get(RegenEnvironment.JWT_AUDIENCE).orElse(null),
            null);
    return new JwtIssuer(settings).issue(userId, roles, ttl);
  }
}
