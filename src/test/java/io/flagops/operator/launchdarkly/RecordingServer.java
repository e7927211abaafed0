package io.flagops.operator.launchdarkly;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server on the loopback address that records every request (method, raw path, headers,
 * body) and answers with scripted answers: queued ones first, then the standing answer.
 */
final class RecordingServer implements AutoCloseable {

  /** One request as it came over the wire. Header names are matched case-insensitively. */
  record Request(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body) {

    /** The only value of a header, or null when the header is absent. */
    String header(String name) {
      List<String> values = headers.get(name);
      if (values == null || values.isEmpty()) {
        return null;
      }
      if (values.size() > 1) {
        throw new AssertionError("header " + name + " was sent " + values.size() + " times");
      }
      return values.get(0);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A scripted answer. */
  record Answer(
      int status,
      Map<String, String> headers,
      byte[] body,
      Duration delayBeforeHeaders,
      Duration stallInsideBody,
      boolean drops) {

    static Answer status(int status) {
      return new Answer(status, Map.of(), new byte[0], Duration.ZERO, Duration.ZERO, false);
    }

    static Answer json(int status, String body) {
      return status(status).withBody("application/json", body);
    }

    /** Closes the connection after reading the request, without any answer. */
    static Answer dropConnection() {
      return new Answer(0, Map.of(), new byte[0], Duration.ZERO, Duration.ZERO, true);
    }

    Answer withBody(String contentType, String text) {
      return new Answer(
              status,
              headers,
              text.getBytes(StandardCharsets.UTF_8),
              delayBeforeHeaders,
              stallInsideBody,
              drops)
          .withHeader("Content-Type", contentType);
    }

    Answer withHeader(String name, String value) {
      Map<String, String> copy = new LinkedHashMap<>(headers);
      copy.put(name, value);
      return new Answer(status, copy, body, delayBeforeHeaders, stallInsideBody, drops);
    }

    /** Waits this long before sending the status line. */
    Answer delayedBy(Duration delay) {
      return new Answer(status, headers, body, delay, stallInsideBody, drops);
    }

    /** Sends the headers and half the body, then waits this long before the rest. */
    Answer stallingInsideBodyFor(Duration stall) {
      return new Answer(status, headers, body, delayBeforeHeaders, stall, drops);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Answer> queued = new ConcurrentLinkedQueue<>();
  private volatile Answer standing = Answer.status(599);

  private RecordingServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static RecordingServer start() {
    try {
      return new RecordingServer();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the recording server", e);
    }
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
  String baseUrl() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Answers every request from now on with {@code answer} (after any queued answers). */
  RecordingServer answerAlways(Answer answer) {
    standing = answer;
    return this;
  }

  /** Answers the next requests with these answers, in order. */
  RecordingServer enqueue(Answer... answers) {
    Collections.addAll(queued, answers);
    return this;
  }

  /** Forgets the recorded requests and the queued answers; the standing answer becomes 599. */
  void reset() {
    requests.clear();
    queued.clear();
    standing = Answer.status(599);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The one request received; fails when there were none or several. */
  Request onlyRequest() {
    List<Request> all = requests();
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one request but got " + describe(all));
    }
    return all.get(0);
  }

  private static List<String> describe(List<Request> all) {
    List<String> lines = new ArrayList<>();
    for (Request r : all) {
      lines.add(r.method() + " " + r.rawPath());
    }
    return lines;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            exchange.getRequestURI().getRawQuery(),
            Collections.unmodifiableMap(headers),
            body));

    Answer answer = queued.poll();
    if (answer == null) {
      answer = standing;
    }
    if (answer.drops()) {
      // The JDK server closes the connection, without any answer, when a handler throws.
      throw new IllegalStateException("dropping the connection as scripted");
    }
    sleep(answer.delayBeforeHeaders());
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] out = answer.body();
    exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      try (OutputStream stream = exchange.getResponseBody()) {
        if (!answer.stallInsideBody().isZero()) {
          stream.write(out, 0, out.length / 2);
          stream.flush();
          sleep(answer.stallInsideBody());
          stream.write(out, out.length / 2, out.length - out.length / 2);
        } else {
          stream.write(out);
        }
      }
    }
    exchange.close();
  }

  private static void sleep(Duration duration) {
    if (duration.isZero()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scripted to wait", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
