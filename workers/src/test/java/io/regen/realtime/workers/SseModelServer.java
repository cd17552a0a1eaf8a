package io.regen.realtime.workers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible chat-completions server on a real socket, speaking HTTP/1.1 by hand so a
 * test can script exactly what goes over the wire: server-sent events at any pace, a connection cut
 * in the middle of a chunk, an error status. Each request runs the current {@link Script}.
 */
final class SseModelServer implements AutoCloseable {

  /** What the server does with one request. */
  interface Script {
    void respond(Request request, Response response) throws Exception;
  }

  record Request(String method, String path, Map<String, String> headers, String body) {}

  /** Writes a chunked {@code text/event-stream} response (or any status) to one connection. */
  static final class Response {
    private final Socket socket;
    private final OutputStream out;

    Response(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
    }

    void status(int code, String json) throws IOException {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      write(
          "HTTP/1.1 "
              + code
              + " Error\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length
              + "\r\nConnection: close\r\n\r\n");
      out.write(body);
      out.flush();
    }

    void startStream() throws IOException {
      write(
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
              + "Connection: close\r\n\r\n");
    }

    /** One server-sent event ({@code data: ...} and a blank line) as one HTTP chunk. */
    void event(String data) throws IOException {
      chunk("data: " + data + "\n\n");
    }

    void delta(String text) throws IOException {
      event(
          "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
              + "\"delta\":{\"content\":\""
              + text.replace("\"", "\\\"")
              + "\"},\"finish_reason\":null}]}");
    }

    void chunk(String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      write(Integer.toHexString(bytes.length) + "\r\n");
      out.write(bytes);
      write("\r\n");
      out.flush();
    }

    void end() throws IOException {
      write("0\r\n\r\n");
      out.flush();
    }

    /** Cuts the connection after half of an HTTP chunk: the client sees a broken body. */
    void cut() throws IOException {
      write("40\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"tru");
      out.flush();
      socket.setSoLinger(true, 0);
      socket.close();
    }

    private void write(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.US_ASCII));
    }
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger clientsGone = new AtomicInteger();
  private volatile Script script;

  SseModelServer(Script script) throws IOException {
    this.script = script;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** The base URL, as {@code OPENAI_BASE_URL} takes it. */
  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1");
  }

  void script(Script script) {
    this.script = script;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** How many responses ended because the client closed the connection while the server wrote. */
  int clientsGone() {
    return clientsGone.get();
  }

  /**
   * Streams deltas {@code "t0 "}, {@code "t1 "}, ... every {@code periodMs} until the client goes
   * away (never ends by itself); counts down {@code firstSent} after the first.
   */
  static Script endless(long periodMs, CountDownLatch firstSent) {
    return (request, response) -> {
      response.startStream();
      for (int i = 0; ; i++) {
        response.delta("t" + i + " ");
        firstSent.countDown();
        Thread.sleep(periodMs); // the pace of the scripted model, not a wait in a test
      }
    };
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        threads.execute(() -> handle(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String[] start = in.readLine().split(" ");
      Map<String, String> headers = new TreeMap<>();
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      char[] body = new char[length];
      int read = 0;
      while (read < length) {
        int n = in.read(body, read, length - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      Request request = new Request(start[0], start[1], headers, new String(body, 0, read));
      requests.add(request);
      script.respond(request, new Response(socket));
    } catch (IOException e) {
      clientsGone.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
