package io.regen.realtime.platform.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed command line: {@code <command> [positional...] [--name value | --name=value]...}.
 * Options a command does not know are rejected with a message naming them, rather than ignored.
 */
public final class CommandLine {
  private final String command;
  private final List<String> positionals;
  private final Map<String, String> options;

  private CommandLine(String command, List<String> positionals, Map<String, String> options) {
    this.command = command;
    this.positionals = List.copyOf(positionals);
    this.options = Map.copyOf(options);
  }

  /** Parses {@code args}; an empty command line is the {@code help} command. */
  public static CommandLine parse(String... args) {
    if (args.length == 0) {
      return new CommandLine("help", List.of(), Map.of());
    }
    List<String> positionals = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    for (int i = 0; i < rest.size(); i++) {
      String arg = rest.get(i);
      if (arg.startsWith("--") && arg.length() > 2) {
        int eq = arg.indexOf('=');
        if (eq > 0) {
          options.put(arg.substring(2, eq), arg.substring(eq + 1));
        } else {
          if (i + 1 >= rest.size() || rest.get(i + 1).startsWith("--")) {
            throw new UsageException("option " + arg + " needs a value");
          }
          options.put(arg.substring(2), rest.get(++i));
        }
      } else {
        positionals.add(arg);
      }
    }
    return new CommandLine(args[0], positionals, options);
  }

  public String command() {
    return command;
  }

  public List<String> positionals() {
    return positionals;
  }

  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /** Fails unless every option given is in {@code allowed} and at most {@code maxPositionals}. */
  public CommandLine expect(int maxPositionals, Set<String> allowed) {
    for (String name : options.keySet()) {
      if (!allowed.contains(name)) {
        throw new UsageException(
            "unknown option --" + name + " for '" + command + "'" + allowedHint(allowed));
      }
    }
    if (positionals.size() > maxPositionals) {
      throw new UsageException(
          "unexpected argument '" + positionals.get(maxPositionals) + "' for '" + command + "'");
    }
    return this;
  }

  private static String allowedHint(Set<String> allowed) {
    return allowed.isEmpty()
        ? " (it takes none)"
        : " (known: "
            + String.join(", ", allowed.stream().sorted().map(a -> "--" + a).toList())
            + ")";
  }

  /**
   * Parses a duration such as {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d} or ISO-8601 {@code
   * PT1H30M}; it must be positive.
   */
  public static Duration parseDuration(String text) {
    String t = text.trim();
    Duration d;
    try {
      if (t.toUpperCase().startsWith("P")) {
        d = Duration.parse(t.toUpperCase());
      } else {
        if (t.length() < 2) {
          throw new UsageException("invalid duration '" + text + "' (use e.g. 30m, 1h, 7d)");
        }
        long amount = Long.parseLong(t.substring(0, t.length() - 1));
        d =
            switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
              case 's' -> Duration.ofSeconds(amount);
              case 'm' -> Duration.ofMinutes(amount);
              case 'h' -> Duration.ofHours(amount);
              case 'd' -> Duration.ofDays(amount);
              default ->
                  throw new UsageException(
                      "invalid duration '" + text + "' (use e.g. 30m, 1h, 7d)");
            };
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new UsageException("invalid duration '" + text + "' (use e.g. 30m, 1h, 7d)");
    }
    if (d.isNegative() || d.isZero()) {
      throw new UsageException("duration must be positive, got '" + text + "'");
    }
    return d;
  }

  /** Splits a comma-separated list, dropping blanks. */
  public static List<String> parseList(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
