package io.regen.realtime.gateway.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address a request really comes from, for per-address limits. Behind a load balancer every
 * socket peer is the balancer, so its {@code X-Forwarded-For} is read — but only when the peer is a
 * configured trusted proxy: anyone else could send the header to borrow another address's budget.
 * The header is read right to left, skipping trusted proxies; the first other hop is the client.
 * Entries that are not IP literals end the walk (the last trusted hop is used), and no name is ever
 * looked up in DNS. Thread-safe.
 */
public final class ClientAddresses {
  public static final String FORWARDED_FOR = "X-Forwarded-For";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
  private static final int MAX_HOPS = 32;

  private final List<Block> trusted = new ArrayList<>();

  /**
   * @param trustedProxies IP literals or CIDR blocks ({@code 10.0.0.0/8}, {@code ::1/128})
   * @throws IllegalArgumentException an entry that is neither
   */
  public ClientAddresses(List<String> trustedProxies) {
    for (String entry : trustedProxies) {
      String e = entry.trim();
      if (!e.isEmpty()) {
        trusted.add(Block.parse(e));
      }
    }
  }

  /** No trusted proxies: always the socket's peer. */
  public static ClientAddresses direct() {
    return new ClientAddresses(List.of());
  }

  /**
   * The client's address.
   *
   * @param peer the socket peer's address (an IP literal)
   * @param forwardedFor the {@code X-Forwarded-For} header values in order (may be empty)
   */
  public String resolve(String peer, List<String> forwardedFor) {
    if (trusted.isEmpty() || forwardedFor.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
        if (hops.size() > MAX_HOPS) {
          return peer;
        }
      }
    }
    String closest = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = literal(hops.get(i));
      if (hop == null) {
        return closest;
      }
      String address = hop.getHostAddress();
      if (!isTrusted(hop)) {
        return address;
      }
      closest = address;
    }
    return closest;
  }

  /** The client's address of a servlet request. */
  public String resolve(jakarta.servlet.http.HttpServletRequest request) {
    Enumeration<String> headers = request.getHeaders(FORWARDED_FOR);
    List<String> values = new ArrayList<>();
    while (headers != null && headers.hasMoreElements()) {
      values.add(headers.nextElement());
    }
    return resolve(request.getRemoteAddr(), values);
  }

  private boolean isTrusted(String address) {
    InetAddress a = literal(address);
    return a != null && isTrusted(a);
  }

  private boolean isTrusted(InetAddress address) {
    for (Block block : trusted) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The address of an IP literal, or null for anything else (never a DNS lookup). */
  static InetAddress literal(String value) {
    if (value == null) {
      return null;
    }
    String v =
        value.startsWith("[") && value.endsWith("]")
            ? value.substring(1, value.length() - 1)
            : value;
    if (v.isEmpty()
        || v.length() > 45
        || !(IPV4.matcher(v).matches() || IPV6.matcher(v).matches())) {
      return null;
    }
    try {
      return InetAddress.getByName(v);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private record Block(byte[] network, int prefixBits) {
    static Block parse(String cidr) {
      int slash = cidr.indexOf('/');
      InetAddress address = literal(slash < 0 ? cidr : cidr.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException(
            "trusted proxy '" + cidr + "' is not an IP address or CIDR block");
      }
      int max = address.getAddress().length * 8;
      int bits;
      try {
        bits = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException("trusted proxy '" + cidr + "' has a bad prefix length");
      }
      return new Block(address.getAddress(), bits);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xFF << (8 - rest);
      return (a[full] & mask) == (network[full] & mask);
    }
  }
}
