package io.regen.realtime.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A minimal WebSocket client on a plain {@link Socket}, for slow-client tests (the gateway's and
 * the platform's fault suite): it reads only when told to, so a client that "stops reading" really
 * leaves the bytes in the kernel, and its receive buffer is set small before connecting so the
 * server's writes block after a few KB instead of after the several MB loopback TCP autotuning
 * would otherwise accept.
 */
public final class RawWebSocket implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A frame as read: opcode and payload (text frames reassembled from continuations). */
  public record Frame(int opcode, byte[] payload) {
    public static final int TEXT = 1;
    public static final int CLOSE = 8;
    public static final int PING = 9;

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame (1005 when it carries none). */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects with a receive buffer of {@code receiveBufferBytes} and completes the handshake. */
  public static RawWebSocket connect(String host, int port, String path, int receiveBufferBytes)
      throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(receiveBufferBytes); // before connect: fixes the window scale
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setSoTimeout(20_000);
    RawWebSocket ws = new RawWebSocket(socket);
    ws.handshake(host, port, path);
    return ws;
  }

  private void handshake(String host, int port, String path) throws IOException {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\n"
            + "Host: "
            + host
            + ":"
            + port
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(nonce)
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String response = head.toString(StandardCharsets.US_ASCII);
    if (!response.startsWith("HTTP/1.1 101")) {
      throw new IOException("handshake refused: " + response);
    }
  }

  /** Sends one masked text frame (clients must mask). */
  public void sendText(String text) throws IOException {
    sendFrame(true, Frame.TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends one masked frame exactly as given: a fragment ({@code fin} false), any opcode, any bytes
   * (invalid UTF-8 in a text frame included).
   */
  public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) (((long) payload.length >>> shift) & 0xff));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Reads the next complete message or control frame (blocks up to the socket timeout). */
  public Frame read() throws IOException {
    ByteArrayOutputStream message = null;
    int messageOpcode = 0;
    while (true) {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0f;
      long length = b1 & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      if ((b1 & 0x80) != 0) {
        throw new IOException("server frames must not be masked");
      }
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      if (opcode >= 8) {
        return new Frame(opcode, payload); // control frames are never fragmented
      }
      if (message == null) {
        message = new ByteArrayOutputStream();
        messageOpcode = opcode;
      }
      message.write(payload);
      if (fin) {
        return new Frame(messageOpcode, message.toByteArray());
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
