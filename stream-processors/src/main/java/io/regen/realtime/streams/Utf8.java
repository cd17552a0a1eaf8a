package io.regen.realtime.streams;

/**
 * UTF-8 sizes of strings without encoding them, equal to {@code
 * text.getBytes(StandardCharsets.UTF_8).length} (which the stores' String serde writes): an
 * unpaired surrogate is written as {@code '?'}, 1 byte.
 */
public final class Utf8 {
  private Utf8() {}

  /** Bytes of {@code text} in UTF-8. */
  public static int length(CharSequence text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      int n = charBytes(text, i);
      bytes += n;
      if (n == 4) {
        i++;
      }
    }
    return bytes;
  }

  /**
   * The longest prefix of {@code text} whose UTF-8 form fits in {@code maxBytes}, cut between code
   * points (never inside a surrogate pair).
   */
  public static String prefixWithin(String text, int maxBytes) {
    int bytes = 0;
    int i = 0;
    while (i < text.length()) {
      int n = charBytes(text, i);
      if (bytes + n > maxBytes) {
        break;
      }
      bytes += n;
      i += n == 4 ? 2 : 1;
    }
    return text.substring(0, i);
  }

  /** Bytes of the code point at {@code i} (4 for a surrogate pair, which spans i and i + 1). */
  private static int charBytes(CharSequence text, int i) {
    char c = text.charAt(i);
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    if (Character.isSurrogate(c)) {
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      return pair ? 4 : 1;
    }
    return 3;
  }
}
