package io.regen.realtime.platform.ops;

import io.regen.realtime.platform.testing.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docker-compose.yml} as the tests read it: parsed strictly (a duplicate key is an error, as
 * for Compose), either as written ({@link #raw()}) or with every {@code ${VAR}} interpolated as
 * Compose would ({@link #resolved()}): defaults ({@code ${VAR:-default}}) taken, and every other
 * variable — the secrets — replaced by {@code secret-of-VAR}, so that what two services must agree
 * on (a password) can be compared without any secret in the file.
 */
final class ComposeFile {
  static final String IMAGE = "regen-realtime:";

  /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:?message}}, ... */
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}");

  private final String text;
  private final Map<String, Object> root;

  private ComposeFile(String text, Map<String, Object> root) {
    this.text = text;
    this.root = root;
  }

  static ComposeFile raw() throws IOException {
    String text = Files.readString(RepositoryFiles.resolve("docker-compose.yml"));
    return new ComposeFile(text, parse(text));
  }

  static ComposeFile resolved() throws IOException {
    String text = Files.readString(RepositoryFiles.resolve("docker-compose.yml"));
    return new ComposeFile(text, parse(interpolate(text)));
  }

  static String secretOf(String variable) {
    return "secret-of-" + variable;
  }

  /** The variables the file refuses to start without ({@code ${VAR:?...}}). */
  Set<String> requiredVariables() {
    Set<String> required = new TreeSet<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      if (":?".equals(m.group(2)) || "?".equals(m.group(2))) {
        required.add(m.group(1));
      }
    }
    return required;
  }

  /** Every {@code ${...}} reference in {@code value}, by variable name. */
  static Set<String> references(String value) {
    Set<String> names = new TreeSet<>();
    Matcher m = VARIABLE.matcher(value);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @SuppressWarnings("unchecked")
  Map<String, Map<String, Object>> services() {
    return (Map<String, Map<String, Object>>) root.get("services");
  }

  Map<String, Object> service(String name) {
    Map<String, Object> service = services().get(name);
    if (service == null) {
      throw new AssertionError("no service " + name + " in docker-compose.yml");
    }
    return service;
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> section(String name) {
    return (Map<String, Object>) root.get(name);
  }

  @SuppressWarnings("unchecked")
  static List<String> command(Map<String, Object> service) {
    Object command = service.get("command");
    return command == null ? List.of() : (List<String>) command;
  }

  static boolean isPlatform(Map<String, Object> service) {
    return String.valueOf(service.get("image")).startsWith(IMAGE);
  }

  static String role(Map<String, Object> service) {
    return command(service).get(0);
  }

  static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    Object raw = service.get("environment");
    if (raw instanceof Map<?, ?> map) {
      map.forEach((k, v) -> env.put(k.toString(), v == null ? "" : v.toString()));
    }
    return env;
  }

  private static Map<String, Object> parse(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(options).load(text);
  }

  private static String interpolate(String text) {
    Matcher m = VARIABLE.matcher(text.replace("$$", "\u0000"));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String operator = m.group(2);
      String value = operator != null && operator.endsWith("-") ? m.group(3) : secretOf(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString().replace("\u0000", "$");
  }
}
