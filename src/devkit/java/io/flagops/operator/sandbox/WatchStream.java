package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A watch answered the way {@code kubectl} reads it: a chunked HTTP stream of {@code
 * {"type":...,"object":...}} lines, fed by a WebSocket watch on the mock, event by event (the
 * socket pauses while the client is slow to read).
 *
 * <p>The mock starts every watch with an ADDED event per existing object; when the client gives a
 * {@code resourceVersion} (it listed first) those at or below it are dropped, as the API server
 * would not send them. Field selectors are applied here. With {@code Accept: ...as=Table} each
 * object is a one-row Table, with the column definitions on the first event only. When the client
 * asked for bookmarks, a BOOKMARK event goes every few seconds, so that a client that went away is
 * noticed (a blank line would break the Fabric8 client's watch).
 */
final class WatchStream {
  private static final Logger LOG = Logger.getLogger(WatchStream.class);

  private final Vertx vertx;
  private final Tables tables;
  private final ApiRequest request;
  private final ResourceType type;
  private final String upstream;
  private final FieldSelector selector;
  private final long since;
  // the client going away and the mock's socket closing may end it at once, on two threads
  private final AtomicBoolean ended = new AtomicBoolean();
  // set once the socket is open, then read by the socket's and the timers' handlers
  private volatile WebSocket socket;
  private volatile String lastVersion;
  private volatile boolean first = true;
  private volatile long bookmarks = -1;
  private volatile long deadline = -1;

  private WatchStream(
      Vertx vertx, Tables tables, ApiRequest request, ResourcePath path, ResourceType type) {
    this.vertx = vertx;
    this.tables = tables;
    this.request = request;
    this.type = type;
    this.selector = FieldSelector.parse(request.param("fieldSelector"));
    String labels = Reads.labelSelectorQuery(request);
    this.upstream =
        path.upstreamPath() + (labels.isEmpty() ? "?watch=true" : labels + "&watch=true");
    this.lastVersion = request.param("resourceVersion");
    this.since = StoredObjects.number(lastVersion);
  }

  /** Answers a watch request: opens a watch on the mock, then streams what it sends. */
  static void open(
      Vertx vertx,
      MockClient mock,
      Tables tables,
      ApiRequest request,
      ResourcePath path,
      ResourceType type,
      Duration heartbeat) {
    WatchStream stream;
    try {
      stream = new WatchStream(vertx, tables, request, path, type);
    } catch (IllegalArgumentException e) {
      request.status(Statuses.badRequest(e.getMessage()));
      return;
    }
    // the deletion check follows the socket's opening so that no deletion falls between the two
    mock.watch(stream.upstream)
        .onFailure(
            e ->
                request.status(
                    Statuses.internalError(
                        "cannot open a watch on the mock server: " + e.getMessage())))
        .onSuccess(
            socket -> {
              socket.pause(); // until the stream's answer has begun
              vertx
                  .executeBlocking(() -> stream.missedDeletion(mock, path), false)
                  .onComplete(deletion -> stream.start(socket, deletion, heartbeat));
            });
  }

  private void start(WebSocket socket, AsyncResult<ObjectNode> deletion, Duration heartbeat) {
    this.socket = socket;
    HttpServerResponse response = request.context().response();
    if (response.closed()) {
      socket.close();
      return;
    }
    response
        .setChunked(true)
        .putHeader("Content-Type", request.wantsTable() ? ApiRequest.TABLE_JSON : ApiRequest.JSON)
        .putHeader("Cache-Control", "no-cache, private")
        .closeHandler(v -> end());
    response.writeHead();
    socket.textMessageHandler(this::received);
    socket.closeHandler(v -> end());
    socket.exceptionHandler(
        e -> {
          LOG.debugf("Watch socket of %s failed: %s", upstream, e.getMessage());
          end();
        });
    if ("true".equals(request.param("allowWatchBookmarks"))) {
      bookmarks = vertx.setPeriodic(heartbeat.toMillis(), id -> bookmark());
    }
    long timeout = StoredObjects.number(request.param("timeoutSeconds"));
    if (timeout > 0) {
      deadline = vertx.setTimer(timeout * 1000, id -> end());
    }
    if (deletion.succeeded() && deletion.result() != null) {
      event("DELETED", deletion.result());
    }
    socket.resume();
  }

  private void received(String text) {
    JsonNode event;
    try {
      event = Json.parse(text);
    } catch (IllegalArgumentException e) {
      LOG.debugf("Skipped an unreadable watch event of the mock: %s", e.getMessage());
      return;
    }
    JsonNode object = StoredObjects.normalize(event.path("object"));
    String eventType = event.path("type").asText();
    boolean replayed =
        eventType.equals("ADDED")
            && since > 0
            && StoredObjects.number(StoredObjects.resourceVersion(object)) <= since;
    if (object.isObject() && !replayed && selector.matches(object)) {
      event(eventType, object);
    }
  }

  private void event(String eventType, JsonNode object) {
    lastVersion = StoredObjects.resourceVersion(object);
    write(
        eventType,
        request.wantsTable()
            ? tables.table(
                type, List.of(object), lastVersion, request.param("includeObject"), first)
            : object);
    first = false;
  }

  private void write(String eventType, JsonNode sent) {
    if (ended.get()) {
      return;
    }
    ObjectNode line = Json.object().put("type", eventType);
    line.set("object", sent);
    HttpServerResponse response = request.context().response();
    response.write(Buffer.buffer(Json.bytes(line)).appendByte((byte) '\n'));
    if (response.writeQueueFull()) {
      socket.pause();
      response.drainHandler(v -> socket.resume());
    }
  }

  /** An event that only says how far the stream is, as the API server sends when asked. */
  private void bookmark() {
    if (lastVersion != null) {
      ObjectNode object = Json.object().put("apiVersion", type.apiVersion());
      object.put("kind", type.kind()).putObject("metadata").put("resourceVersion", lastVersion);
      write("BOOKMARK", object);
    }
  }

  private void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    vertx.cancelTimer(bookmarks);
    vertx.cancelTimer(deadline);
    socket.close();
    HttpServerResponse response = request.context().response();
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }

  /**
   * The mock cannot replay history: a watch of one named object from a resourceVersion the client
   * saw (kubectl delete and wait do this) would miss a deletion that happened just before. When the
   * object is gone by now, the DELETED event the API server's watch cache would send; else null.
   */
  private ObjectNode missedDeletion(MockClient mock, ResourcePath path) {
    java.util.Optional<String> name = selector.name();
    if (since <= 0
        || name.isEmpty()
        || path.name() != null
        || mock.get(path.upstreamPath() + "/" + name.get()).status() != 404) {
      return null;
    }
    ObjectNode object = Json.object().put("apiVersion", type.apiVersion());
    ObjectNode metadata = object.put("kind", type.kind()).putObject("metadata");
    metadata.put("name", name.get());
    if (path.namespace() != null) {
      metadata.put("namespace", path.namespace());
    }
    metadata.put("resourceVersion", Long.toString(since + 1));
    return object;
  }
}
