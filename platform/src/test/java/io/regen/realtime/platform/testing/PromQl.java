package io.regen.realtime.platform.testing;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a PromQL expression reads (enough PromQL for our alerts and dashboard). */
public final class PromQl {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "by", "without", "and", "or", "unless", "bool", "offset", "on", "ignoring", "inf", "nan");

  private PromQl() {}

  public static Set<String> metricNames(String expr) {
    String s =
        expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String word = m.group();
      int after = m.end();
      while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
        after++;
      }
      boolean function = after < s.length() && s.charAt(after) == '(';
      boolean partOfNumber = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      if (!function && !partOfNumber && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }
}
