package io.regen.realtime.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of a Markdown file that lead nowhere: a file or directory that does not exist,
 * or an anchor ({@code file.md#section}, {@code #section}) that no heading of the target renders to
 * as GitHub slugs headings. Links with a scheme ({@code https:}, {@code mailto:}) and anything
 * inside code (fenced blocks, {@code `inline`}) are not links and are not checked.
 */
public final class MarkdownLinks {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
  private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  private MarkdownLinks() {}

  /**
   * Each broken link of {@code file} as {@code file:line: target (why)}; empty when all resolve.
   */
  public static List<String> broken(Path file) {
    List<String> broken = new ArrayList<>();
    List<String> lines = proseLines(file);
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = LINK.matcher(INLINE_CODE.matcher(lines.get(i)).replaceAll(""));
      while (m.find()) {
        String target = m.group(1);
        String problem = problem(file, target);
        if (problem != null) {
          broken.add(file.getFileName() + ":" + (i + 1) + ": " + target + " (" + problem + ")");
        }
      }
    }
    return broken;
  }

  /** The anchors a Markdown file offers: its headings' GitHub slugs and explicit HTML anchors. */
  public static Set<String> anchors(Path file) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> repeats = new HashMap<>();
    for (String line : proseLines(file)) {
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        String slug = slug(heading.group(1));
        Integer seen = repeats.merge(slug, 1, Integer::sum) - 1;
        anchors.add(seen == 0 ? slug : slug + "-" + seen);
      }
      Matcher html = HTML_ANCHOR.matcher(line);
      while (html.find()) {
        anchors.add(html.group(1));
      }
    }
    return anchors;
  }

  /** GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1").replace("`", "");
    return text.strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
        .replace(' ', '-');
  }

  private static String problem(Path file, String target) {
    if (SCHEME.matcher(target).find()) {
      return null;
    }
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? "" : target.substring(hash + 1);
    Path resolved = path.isEmpty() ? file : file.resolveSibling(path).normalize();
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (anchor.isEmpty()) {
      return null;
    }
    if (!resolved.getFileName().toString().endsWith(".md")) {
      return "anchor into a file that is not Markdown";
    }
    return anchors(resolved).contains(anchor) ? null : "no such heading";
  }

  /** The file's lines, with those of fenced code blocks blanked (kept, so line numbers hold). */
  private static List<String> proseLines(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> prose = new ArrayList<>(lines.size());
    boolean fenced = false;
    for (String line : lines) {
      boolean fence = line.stripLeading().startsWith("```");
      if (fence) {
        fenced = !fenced;
      }
      prose.add(fence || fenced ? "" : line);
    }
    return prose;
  }
}
