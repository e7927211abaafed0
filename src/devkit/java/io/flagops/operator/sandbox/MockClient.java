package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The mock API server, seen over HTTP/1.1 (it does not answer the HTTP/2 upgrade well), from the
 * gateway's worker threads, and, for watches, over WebSocket. A failed call is an {@link
 * UncheckedIOException}: the gateway answers it with a 500.
 */
final class MockClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  // a watch event carries a whole object; a Secret or ConfigMap may hold up to 1 MiB
  private static final int MAX_EVENT = 16 * 1024 * 1024;
  // Vert.x queues WebSockets past its default of 50 per server, silently: watches hold no thread
  private static final int MAX_WATCHES = 10_000;

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

  private final URI base;
  private final HttpClient http;
  private final WebSocketClient sockets;

  MockClient(Vertx vertx, String mockUrl) {
    this.base = URI.create(mockUrl.replaceAll("/+$", ""));
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.sockets =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setConnectTimeout(5_000)
                .setMaxConnections(MAX_WATCHES)
                .setMaxMessageSize(MAX_EVENT)
                .setMaxFrameSize(MAX_EVENT));
  }

  /** Sends a request; {@code pathAndQuery} starts with "/". */
  Answer send(String method, String pathAndQuery, String contentType, byte[] body) {
    return send(method, pathAndQuery, contentType, ApiRequest.JSON, body);
  }

  /** Sends a request with the given Accept header (null: none). */
  Answer send(String method, String pathAndQuery, String contentType, String accept, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(TIMEOUT);
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (body != null) {
      request.header("Content-Type", contentType == null ? ApiRequest.JSON : contentType);
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
    } catch (IOException e) {
      throw new UncheckedIOException("the mock server did not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted", e));
    }
  }

  Answer get(String pathAndQuery) {
    return send("GET", pathAndQuery, null, null);
  }

  Answer put(String path, JsonNode object) {
    return send("PUT", path, ApiRequest.JSON, Json.bytes(object));
  }

  /**
   * Opens a watch WebSocket on the mock; {@code opened} runs in the task that completes the
   * handshake, before any frame is delivered (so it can pause the socket without losing one).
   */
  void watch(String pathAndQuery, Handler<AsyncResult<WebSocket>> opened) {
    sockets.connect(
        new WebSocketConnectOptions()
            .setHost(base.getHost())
            .setPort(base.getPort())
            .setURI(pathAndQuery)
            .setTimeout(10_000),
        opened);
  }
}
