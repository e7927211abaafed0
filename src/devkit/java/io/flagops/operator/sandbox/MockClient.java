package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The mock API server, seen over HTTP/1.1 (it does not answer the HTTP/2 upgrade well) and, for
 * watches, over WebSocket.
 */
final class MockClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** An answer of the mock. */
  record Answer(int status, String contentType, byte[] body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    boolean hasBody() {
      return body != null && body.length > 0;
    }

    JsonNode json() {
      return Json.parse(body);
    }
  }

  private final String base;
  private final HttpClient http;

  /** Its HTTP client runs on the JDK's default (daemon) threads. */
  MockClient(String mockUrl) {
    this.base = mockUrl.replaceAll("/+$", "");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** Sends a request; {@code pathAndQuery} starts with "/". */
  Answer send(String method, String pathAndQuery, String contentType, byte[] body)
      throws IOException {
    return send(method, pathAndQuery, contentType, HttpIo.JSON, body);
  }

  /** Sends a request with the given Accept header (null: none). */
  Answer send(String method, String pathAndQuery, String contentType, String accept, byte[] body)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(TIMEOUT);
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (body != null) {
      request.header("Content-Type", contentType == null ? HttpIo.JSON : contentType);
      request.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null),
          response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  Answer get(String pathAndQuery) throws IOException {
    return send("GET", pathAndQuery, null, null);
  }

  Answer put(String path, JsonNode object) throws IOException {
    return send("PUT", path, HttpIo.JSON, Json.bytes(object));
  }

  /** Opens a watch WebSocket on the mock; waits at most 10 s for it to open. */
  WebSocket watch(String pathAndQuery, WebSocket.Listener listener) throws IOException {
    URI uri = URI.create(base.replaceFirst("^http", "ws") + pathAndQuery);
    CompletableFuture<WebSocket> socket =
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, listener);
    try {
      return socket.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (Exception e) {
      socket.cancel(true);
      throw new IOException("cannot open a watch on the mock server: " + e.getMessage(), e);
    }
  }
}
