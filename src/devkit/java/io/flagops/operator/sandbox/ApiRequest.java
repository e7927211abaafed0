package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** A request as the gateway reads it (Vert.x Web decodes query and body) and its answer. */
record ApiRequest(RoutingContext context) {
  static final String JSON = "application/json";
  static final String TABLE_JSON = "application/json;as=Table;v=v1;g=meta.k8s.io";

  String method() {
    return context.request().method().name();
  }

  /** The raw path without a trailing slash ("/" stays). */
  String path() {
    String path = context.request().path();
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  String param(String name) {
    return context.queryParams().get(name);
  }

  String header(String name) {
    return context.request().getHeader(name);
  }

  /** Whether the client asked for a meta.k8s.io Table. */
  boolean wantsTable() {
    String accept = header("Accept");
    return accept != null && accept.contains("as=Table");
  }

  boolean isWatch() {
    String watch = param("watch");
    return "true".equalsIgnoreCase(watch) || "1".equals(watch);
  }

  /** The media type of the body, without parameters, lower case; "" when absent. */
  String contentType() {
    String type = header("Content-Type");
    return type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  byte[] body() {
    Buffer body = context.body().buffer();
    return body == null ? new byte[0] : body.getBytes();
  }

  /** The query as it came, "" or "?a=b&...". */
  String rawQuery() {
    String raw = context.request().query();
    return raw == null || raw.isEmpty() ? "" : "?" + raw;
  }

  void addHeader(String name, String value) {
    context.response().headers().add(name, value);
  }

  /** Says and does it: Vert.x keeps the connection open whatever the answer's headers say. */
  void closeAfterAnswer() {
    context.response().putHeader("Connection", "close");
    context.response().endHandler(v -> context.request().connection().close());
  }

  void send(int status, String contentType, byte[] body) {
    HttpServerResponse response = context.response().setStatusCode(status);
    response.putHeader("Cache-Control", "no-cache, private");
    if (contentType != null) {
      response.putHeader("Content-Type", contentType);
    }
    boolean noBody = body == null || status == 204 || status == 304;
    response.end(noBody ? Buffer.buffer() : Buffer.buffer(body));
  }

  void json(int status, JsonNode body) {
    send(status, JSON, Json.bytes(body));
  }

  /** A Status answer, with the HTTP status taken from its {@code code}. */
  void status(JsonNode status) {
    json(status.path("code").asInt(500), status);
  }
}
