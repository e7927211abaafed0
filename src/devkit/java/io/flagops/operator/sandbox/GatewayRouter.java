package io.flagops.operator.sandbox;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.time.Duration;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The gateway's routes: version, health and discovery on the event loop; OpenAPI, reads and writes
 * on worker threads (they wait for the mock); watches as streams; unknown kinds to the mock.
 */
final class GatewayRouter {
  private static final Logger LOG = Logger.getLogger(GatewayRouter.class);
  static final int MAX_BODY = 8 * 1024 * 1024;

  private final Vertx vertx;
  private final ResourceCatalog catalog;
  private final Discovery discovery;
  private final OpenApi openApi;
  private final MockClient mock;
  private final Tables tables;
  private final Reads reads;
  private final Writes writes;
  private final Duration heartbeat;

  GatewayRouter(
      Vertx vertx, ResourceCatalog catalog, MockClient mock, Tables tables, Duration heartbeat) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.discovery = new Discovery(catalog);
    this.openApi = new OpenApi(catalog);
    this.mock = mock;
    this.tables = tables;
    this.reads = new Reads(mock, tables);
    this.writes = new Writes(mock);
    this.heartbeat = heartbeat;
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
    router.get("/version").handler(c -> json(c, Discovery.version()));
    router.get("/api").handler(c -> json(c, discovery.apiVersions(authority(c))));
    router.get("/apis").handler(c -> json(c, discovery.groupList()));
    router
        .get("/api/:version")
        .handler(c -> json(c, discovery.resourceList("", c.pathParam("version"))));
    router.get("/apis/:group").handler(c -> json(c, discovery.group(c.pathParam("group"))));
    router
        .get("/apis/:group/:version")
        .handler(
            c -> json(c, discovery.resourceList(c.pathParam("group"), c.pathParam("version"))));
    router
        .getWithRegex("/(healthz|livez|readyz)/?")
        .handler(c -> new ApiRequest(c).send(200, "text/plain", "ok".getBytes(UTF_8)));
    router.route("/openapi/*").blockingHandler(c -> openApi.serve(new ApiRequest(c)), false);
    router.route().blockingHandler(c -> resource(new ApiRequest(c)), false);
    router.route().failureHandler(this::failed);
    return router;
  }

  /** A discovery document, or 404 when the server does not serve it. */
  private static void json(RoutingContext context, ObjectNode document) {
    ApiRequest request = new ApiRequest(context);
    if (document == null) {
      request.status(Statuses.noSuchPath());
    } else {
      request.json(200, document);
    }
  }

  private void resource(ApiRequest request) {
    ResourcePath resource = ResourcePath.parse(request.path());
    if (resource == null) {
      request.status(Statuses.noSuchPath());
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
      request.status(Statuses.noSuchPath());
      return;
    }
    String method = request.method();
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
      request.status(
          Statuses.methodNotAllowed(
              "the server does not allow this method on the requested resource"));
    }
  }

  private void watch(ApiRequest request, ResourcePath resource, ResourceType type) {
    String upgrade = request.header("Upgrade");
    if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
      // A plain 200 (not 101) makes the Fabric8 client fall back to a streamed HTTP watch at
      // once, as it does behind kubectl proxy; a 503 would be retried with backoff first.
      request.closeAfterAnswer();
      request.json(
          200,
          Statuses.failure(
              200,
              "WebSocketNotSupported",
              "watches are served as HTTP streams, not over WebSocket"));
      return;
    }
    WatchStream.open(vertx, mock, tables, request, resource, type, heartbeat);
  }

  /** A kind or subresource the gateway does not know: to the mock as it came. */
  private void forward(ApiRequest request) {
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
      request.status(
          Statuses.failure(
              answer.status(), "Unknown", "the mock server answered " + answer.status()));
      return;
    }
    request.send(
        answer.status(),
        answer.contentType() == null && answer.hasBody() ? ApiRequest.JSON : answer.contentType(),
        answer.body());
  }

  /** A handler that threw, or a request Vert.x refused: a Status, unless the answer had begun. */
  private void failed(RoutingContext context) {
    Throwable failure = context.failure();
    LOG.debugf(
        failure, "Request %s %s failed", context.request().method(), context.request().path());
    int code =
        failure instanceof HttpException refused ? refused.getStatusCode() : context.statusCode();
    if (context.response().headWritten()) {
      context.response().reset();
    } else if (code >= 400 && code < 500) {
      String reason = HttpResponseStatus.valueOf(code).reasonPhrase();
      new ApiRequest(context)
          .status(
              Statuses.failure(
                  code, reason.replace(" ", ""), "the request was refused: " + reason));
    } else {
      new ApiRequest(context)
          .status(Statuses.internalError(failure == null ? "HTTP " + code : failure.getMessage()));
    }
  }

  /** The request's Host, as host:port (the server address kubectl is told). */
  private static String authority(RoutingContext context) {
    var authority = context.request().authority();
    return authority == null ? null : authority.toString();
  }
}
