package io.flagops.operator.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/** Routes each request: discovery, OpenAPI and version here; resources to reads, writes, watch. */
final class GatewayHandler implements HttpHandler {
  private static final Logger LOG = Logger.getLogger(GatewayHandler.class);

  private final ResourceCatalog catalog;
  private final Discovery discovery;
  private final OpenApi openApi;
  private final Reads reads;
  private final Writes writes;
  private final MockClient mock;
  private final Tables tables;
  private final Semaphore watchSlots;
  private final Duration heartbeat;
  private final Set<WatchStream> watches = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  GatewayHandler(
      ResourceCatalog catalog,
      Discovery discovery,
      OpenApi openApi,
      MockClient mock,
      Tables tables,
      int maxWatches,
      Duration heartbeat) {
    this.catalog = catalog;
    this.discovery = discovery;
    this.openApi = openApi;
    this.mock = mock;
    this.tables = tables;
    this.reads = new Reads(mock, tables);
    this.writes = new Writes(mock);
    this.watchSlots = new Semaphore(maxWatches);
    this.heartbeat = heartbeat;
  }

  /** Ends every open watch stream. */
  void close() {
    closed = true;
    watches.forEach(WatchStream::stop);
  }

  @Override
  public void handle(HttpExchange exchange) {
    ApiRequest request = new ApiRequest(exchange);
    try {
      if (LOG.isDebugEnabled()) {
        LOG.debugf(
            "%s %s%s accept=%s type=%s",
            request.method(),
            request.path(),
            request.rawQuery(),
            request.header("Accept"),
            request.header("Content-Type"));
      }
      route(request);
    } catch (Exception e) {
      LOG.debugf(e, "Request %s %s failed", request.method(), request.path());
      try {
        HttpIo.status(exchange, Statuses.internalError(String.valueOf(e.getMessage())));
      } catch (IOException | RuntimeException ignored) {
        // the answer had started, or the client went away
      }
    } finally {
      exchange.close();
    }
  }

  private void route(ApiRequest request) throws IOException {
    String path = request.path();
    String method = request.method();
    if (method.equals("GET") && answeredHere(request, path)) {
      return;
    }
    if (path.equals("/openapi") || path.startsWith("/openapi/")) {
      openApi.serve(request);
      return;
    }
    ResourcePath resource = ResourcePath.parse(path);
    if (resource == null) {
      HttpIo.status(request.exchange(), Statuses.noSuchPath());
      return;
    }
    ResourceType type = catalog.find(resource.group(), resource.version(), resource.plural());
    if (type == null
        || (resource.subresource() != null
            && !(resource.subresource().equals("status") && type.statusSubresource()))) {
      forward(request);
      return;
    }
    if (!type.namespaced() && resource.namespace() != null) {
      HttpIo.status(request.exchange(), Statuses.noSuchPath());
      return;
    }
    boolean collection = resource.isCollection();
    if (method.equals("GET") && (request.isWatch() || resource.watchPrefix())) {
      watch(request, resource, type);
    } else if (method.equals("GET")) {
      if (collection) {
        reads.list(request, resource, type);
      } else {
        reads.get(request, resource, type);
      }
    } else if (method.equals("POST") && collection) {
      writes.create(request, resource, type);
    } else if (method.equals("PUT") && !collection) {
      writes.update(request, resource, type);
    } else if (method.equals("PATCH") && !collection) {
      writes.patch(request, resource, type);
    } else if (method.equals("DELETE")) {
      writes.delete(request, resource, type);
    } else {
      HttpIo.status(
          request.exchange(),
          Statuses.methodNotAllowed(
              "the server does not allow this method on the requested resource"));
    }
  }

  /** Version, health and discovery; false when the path is not one of them. */
  private boolean answeredHere(ApiRequest request, String path) throws IOException {
    switch (path) {
      case "/version" -> HttpIo.json(request.exchange(), 200, Discovery.version());
      case "/api" -> HttpIo.json(request.exchange(), 200, discovery.apiVersions());
      case "/apis" -> HttpIo.json(request.exchange(), 200, discovery.groupList());
      case "/healthz", "/livez", "/readyz" ->
          HttpIo.send(request.exchange(), 200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
      default -> {
        String[] parts = path.substring(1).split("/");
        com.fasterxml.jackson.databind.node.ObjectNode document;
        if (parts.length == 2 && parts[0].equals("api")) {
          document = discovery.resourceList("", parts[1]);
        } else if (parts.length == 2 && parts[0].equals("apis")) {
          document = discovery.group(parts[1]);
        } else if (parts.length == 3 && parts[0].equals("apis")) {
          document = discovery.resourceList(parts[1], parts[2]);
        } else {
          return false;
        }
        if (document == null) {
          HttpIo.status(request.exchange(), Statuses.noSuchPath());
        } else {
          HttpIo.json(request.exchange(), 200, document);
        }
      }
    }
    return true;
  }

  private void watch(ApiRequest request, ResourcePath resource, ResourceType type)
      throws IOException {
    if (closed) {
      HttpIo.status(request.exchange(), Statuses.failure(503, "ServiceUnavailable", "closing"));
      return;
    }
    String upgrade = request.header("Upgrade");
    if (upgrade != null && upgrade.toLowerCase(java.util.Locale.ROOT).contains("websocket")) {
      // A plain 200 (not 101) makes the Fabric8 client fall back to a streamed HTTP watch at
      // once, as it does behind kubectl proxy; a 503 would be retried with backoff first.
      request.exchange().getResponseHeaders().set("Connection", "close");
      HttpIo.json(
          request.exchange(),
          200,
          Statuses.failure(
              200,
              "WebSocketNotSupported",
              "watches are served as HTTP streams, not over WebSocket"));
      return;
    }
    if (!watchSlots.tryAcquire()) {
      request.exchange().getResponseHeaders().set("Retry-After", "1");
      HttpIo.status(request.exchange(), Statuses.tooManyRequests("too many open watches"));
      return;
    }
    WatchStream stream = new WatchStream(mock, tables, request, resource, type, heartbeat);
    watches.add(stream);
    try {
      if (closed) {
        stream.stop();
      }
      stream.run();
    } finally {
      watches.remove(stream);
      watchSlots.release();
    }
  }

  /** A kind or subresource the gateway does not know: to the mock as it came. */
  private void forward(ApiRequest request) throws IOException {
    byte[] body = request.body();
    boolean hasBody = body.length > 0 || !request.method().equals("GET");
    MockClient.Answer answer =
        mock.send(
            request.method(),
            request.path() + request.rawQuery(),
            hasBody ? request.header("Content-Type") : null,
            request.header("Accept"),
            hasBody ? body : null);
    if (!answer.ok() && !answer.hasBody()) {
      HttpIo.status(
          request.exchange(),
          Statuses.failure(
              answer.status(), "Unknown", "the mock server answered " + answer.status()));
      return;
    }
    HttpIo.send(
        request.exchange(),
        answer.status(),
        answer.contentType() == null && answer.hasBody() ? HttpIo.JSON : answer.contentType(),
        answer.body());
  }
}
