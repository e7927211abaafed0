package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/** Writing answers. */
final class HttpIo {
  static final String JSON = "application/json";
  static final String TABLE_JSON = "application/json;as=Table;v=v1;g=meta.k8s.io";

  private HttpIo() {}

  static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
    boolean noBody = body == null || body.length == 0 || status == 204 || status == 304;
    exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
    send(exchange, status, JSON, Json.bytes(body));
  }

  /** A Status answer, with the HTTP status taken from its {@code code}. */
  static void status(HttpExchange exchange, JsonNode status) throws IOException {
    json(exchange, status.path("code").asInt(500), status);
  }
}
