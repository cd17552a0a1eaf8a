package io.regen.realtime.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 request on a plain socket, for what {@link java.net.http.HttpClient} will not do: a
 * chunked body streamed for as long as the server keeps reading, while another thread reads the
 * response the moment it arrives.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final CompletableFuture<String> response = new CompletableFuture<>();
  private final AtomicLong bodyBytesWritten = new AtomicLong();

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    Thread reader =
        new Thread(
            () -> {
              ByteArrayOutputStream head = new ByteArrayOutputStream();
              try {
                int b;
                while ((b = in.read()) >= 0) {
                  head.write(b);
                  if (head.size() > 8192
                      || head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                    break;
                  }
                }
                // then the rest, whatever comes before the close
                byte[] buf = new byte[4096];
                int n;
                long deadline = System.nanoTime() + 2_000_000_000L;
                socket.setSoTimeout(2_000);
                while (System.nanoTime() < deadline && (n = in.read(buf)) >= 0) {
                  head.write(buf, 0, n);
                }
              } catch (IOException endOfStream) {
                // a reset after the response: what was read is the answer
              }
              response.complete(head.toString(StandardCharsets.ISO_8859_1));
            },
            "raw-http-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static RawHttp connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("localhost", port), 5_000);
    socket.setSoTimeout(30_000);
    return new RawHttp(socket);
  }

  void send(String head) throws IOException {
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /**
   * Streams chunks of {@code chunkBytes} until {@code totalBytes} are sent or the server stops
   * reading (closed the connection).
   *
   * @return whether the whole body was accepted by the socket
   */
  boolean streamChunks(long totalBytes, int chunkBytes) {
    byte[] chunk = new byte[chunkBytes];
    java.util.Arrays.fill(chunk, (byte) 'a');
    byte[] header = (Integer.toHexString(chunkBytes) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
    try {
      while (bodyBytesWritten.get() < totalBytes) {
        out.write(header);
        out.write(chunk);
        out.write(crlf);
        bodyBytesWritten.addAndGet(chunkBytes);
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return true;
    } catch (IOException closedByServer) {
      return false;
    }
  }

  long bodyBytesWritten() {
    return bodyBytesWritten.get();
  }

  CompletableFuture<String> response() {
    return response;
  }

  /** The status code of the response, e.g. 401. */
  static int status(String response) {
    String[] parts = response.split(" ", 3);
    return parts.length < 2 ? -1 : Integer.parseInt(parts[1]);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
