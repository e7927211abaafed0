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
  // every handler below runs on the request's event loop, one at a time
  private WebSocket socket;
  private String lastVersion;
  private boolean first = true;
  private boolean ended;
  private long bookmarks = -1;
  private long deadline = -1;

  private WatchStream(
      Vertx vertx,
      Tables tables,
      ApiRequest request,
      ResourcePath path,
      ResourceType type,
      FieldSelector selector) {
    this.vertx = vertx;
    this.tables = tables;
    this.request = request;
    this.type = type;
    this.selector = selector;
    String labels = Reads.labelSelectorQuery(request);
    this.upstream =
        path.upstreamPath() + (labels.isEmpty() ? "?watch=true" : labels + "&watch=true");
    this.lastVersion = request.param("resourceVersion");
    this.since = StoredObjects.number(lastVersion);
  }

  /**
   * Answers a watch request: opens a watch on the mock, pauses it, checks for a deletion it would
   * miss (after the opening, so that none falls between the two), then streams.
   */
  static void open(
      Vertx vertx,
      MockClient mock,
      Tables tables,
      ApiRequest request,
      ResourcePath path,
      ResourceType type,
      Duration heartbeat) {
    FieldSelector selector = Reads.fieldSelector(request);
    if (selector == null) {
      return;
    }
    WatchStream stream = new WatchStream(vertx, tables, request, path, type, selector);
    mock.watch(
        stream.upstream,
        opened -> {
          if (opened.failed()) {
            request.status(
                Statuses.internalError(
                    "cannot open a watch on the mock server: " + opened.cause().getMessage()));
            return;
          }
          stream.listen(opened.result().pause()); // paused until the answer has begun
          vertx
              .executeBlocking(() -> stream.missedDeletion(mock, path), false)
              .onComplete(deletion -> stream.start(deletion, heartbeat));
        });
  }

  private void listen(WebSocket socket) {
    this.socket = socket;
    socket.textMessageHandler(this::received);
    socket.endHandler(v -> end(null)); // after the events the pause held back
    socket.closeHandler(v -> end(Statuses.internalError("the mock server ended the watch")));
    socket.exceptionHandler(
        e -> {
          LOG.debugf("Watch socket of %s failed: %s", upstream, e.getMessage());
          end(Statuses.internalError("the watch on the mock server failed"));
        });
  }

  private void start(AsyncResult<ObjectNode> deletion, Duration heartbeat) {
    HttpServerResponse response = request.context().response();
    if (deletion.failed()) {
      LOG.debugf("Could not check %s for a missed deletion: %s", upstream, deletion.cause());
      end(Statuses.internalError("the mock server did not answer: " + deletion.cause()));
      return;
    }
    if (ended || response.closed()) {
      end(null);
      return;
    }
    response
        .setChunked(true)
        .putHeader("Content-Type", request.wantsTable() ? ApiRequest.TABLE_JSON : ApiRequest.JSON)
        .putHeader("Cache-Control", "no-cache, private")
        .closeHandler(v -> end(null));
    response.writeHead();
    if ("true".equals(request.param("allowWatchBookmarks"))) {
      bookmarks = vertx.setPeriodic(heartbeat.toMillis(), id -> bookmark());
    }
    long timeout = StoredObjects.number(request.param("timeoutSeconds"));
    if (timeout > 0) {
      deadline = vertx.setTimer(timeout * 1000, id -> end(null));
    }
    if (deletion.result() != null) {
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
    if (ended) {
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

  /** Ends the stream once; before it began, answers {@code failure} (when given) instead. */
  private void end(ObjectNode failure) {
    if (ended) {
      return;
    }
    ended = true;
    vertx.cancelTimer(bookmarks);
    vertx.cancelTimer(deadline);
    socket.close();
    HttpServerResponse response = request.context().response();
    if (!response.headWritten() && failure != null) {
      request.status(failure);
    } else if (!response.ended() && !response.closed()) {
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
