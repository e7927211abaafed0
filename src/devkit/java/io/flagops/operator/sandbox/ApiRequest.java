package io.flagops.operator.sandbox;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An incoming request: method, path, decoded query, headers and (read on demand) body. */
final class ApiRequest {
  static final int MAX_BODY = 8 * 1024 * 1024;

  private final HttpExchange exchange;
  private final String method;
  private final String rawPath;
  private final Map<String, List<String>> query;
  private byte[] body;

  ApiRequest(HttpExchange exchange) {
    this.exchange = exchange;
    this.method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
    String path = exchange.getRequestURI().getRawPath();
    this.rawPath = path == null || path.isEmpty() ? "/" : path;
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
  }

  HttpExchange exchange() {
    return exchange;
  }

  String method() {
    return method;
  }

  /** The raw path without a trailing slash ("/" stays). */
  String path() {
    return rawPath.length() > 1 && rawPath.endsWith("/")
        ? rawPath.substring(0, rawPath.length() - 1)
        : rawPath;
  }

  String param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
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
    if (type == null) {
      return "";
    }
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon))
        .trim()
        .toLowerCase(java.util.Locale.ROOT);
  }

  byte[] body() throws IOException {
    if (body == null) {
      try (InputStream in = exchange.getRequestBody()) {
        byte[] read = in.readNBytes(MAX_BODY + 1);
        if (read.length > MAX_BODY) {
          throw new IOException("request body larger than " + MAX_BODY + " bytes");
        }
        body = read;
      }
    }
    return body;
  }

  /** The query as it came, "" or "?a=b&...". */
  String rawQuery() {
    String raw = exchange.getRequestURI().getRawQuery();
    return raw == null || raw.isEmpty() ? "" : "?" + raw;
  }

  private static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
