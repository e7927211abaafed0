package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import org.jboss.logging.Logger;

/**
 * A watch answered the way {@code kubectl} reads it: a chunked HTTP stream of {@code
 * {"type":...,"object":...}} lines, flushed one by one, fed by a WebSocket watch on the mock.
 *
 * <p>The mock starts every watch with an ADDED event per existing object; when the client gives a
 * {@code resourceVersion} (it listed first) those at or below it are dropped, as the API server
 * would not send them. Field selectors are applied here. With {@code Accept: ...as=Table} each
 * object is a one-row Table, with the column definitions on the first event only. Idle streams
 * carry a BOOKMARK event every few seconds, when the client asked for bookmarks, so that a client
 * that went away is noticed (a blank line would break the Fabric8 client's watch).
 */
final class WatchStream {
  private static final Logger LOG = Logger.getLogger(WatchStream.class);
  private static final Object CLOSED = new Object();
  private static final int QUEUE = 10_000;

  private final MockClient mock;
  private final Tables tables;
  private final ApiRequest request;
  private final ResourcePath path;
  private final ResourceType type;
  private final Duration heartbeat;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>(QUEUE);
  private volatile WebSocket socket;
  private volatile boolean stopped;

  WatchStream(
      MockClient mock,
      Tables tables,
      ApiRequest request,
      ResourcePath path,
      ResourceType type,
      Duration heartbeat) {
    this.mock = mock;
    this.tables = tables;
    this.request = request;
    this.path = path;
    this.type = type;
    this.heartbeat = heartbeat;
  }

  /** Ends the stream soon (the gateway is closing). */
  void stop() {
    stopped = true;
    queue.clear();
    queue.offer(CLOSED);
  }

  void run() throws IOException {
    FieldSelector selector = Reads.fieldSelector(request);
    if (selector == null) {
      return;
    }
    String labels = Reads.labelSelectorQuery(request);
    String upstream =
        path.upstreamPath() + (labels.isEmpty() ? "?watch=true" : labels + "&watch=true");
    long since = StoredObjects.number(request.param("resourceVersion"));
    boolean table = request.wantsTable();
    String includeObject = request.param("includeObject");
    long deadline = deadline(request.param("timeoutSeconds"));
    try {
      socket = mock.watch(upstream, new Listener());
      replayDeletion(selector, since);
    } catch (IOException e) {
      HttpIo.status(request.exchange(), Statuses.internalError(e.getMessage()));
      return;
    }
    try {
      request
          .exchange()
          .getResponseHeaders()
          .set("Content-Type", table ? HttpIo.TABLE_JSON : HttpIo.JSON);
      request.exchange().getResponseHeaders().set("Cache-Control", "no-cache, private");
      request.exchange().sendResponseHeaders(200, 0);
      OutputStream out = request.exchange().getResponseBody();
      out.flush();
      boolean first = true;
      boolean bookmarks = "true".equals(request.param("allowWatchBookmarks"));
      String lastVersion = request.param("resourceVersion");
      while (!stopped) {
        long wait = Math.min(heartbeat.toMillis(), deadline - System.currentTimeMillis());
        if (wait <= 0) {
          break;
        }
        Object item = queue.poll(wait, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (item == null) {
          if (bookmarks && lastVersion != null) {
            out.write(Json.bytes(bookmark(lastVersion)));
            out.write('\n');
            out.flush();
          }
          continue;
        }
        if (item == CLOSED) {
          break;
        }
        JsonNode event;
        try {
          event = Json.parse((String) item);
        } catch (IllegalArgumentException e) {
          LOG.debugf("Skipped an unreadable watch event of the mock: %s", e.getMessage());
          continue;
        }
        String eventType = event.path("type").asText();
        JsonNode object = StoredObjects.normalize(event.path("object"));
        if (!object.isObject()) {
          continue;
        }
        if (eventType.equals("ADDED")
            && since > 0
            && StoredObjects.number(StoredObjects.resourceVersion(object)) <= since) {
          continue;
        }
        if (!selector.matches(object)) {
          continue;
        }
        JsonNode sent =
            table
                ? tables.table(
                    type,
                    List.of(object),
                    StoredObjects.resourceVersion(object),
                    includeObject,
                    first)
                : object;
        first = false;
        lastVersion = StoredObjects.resourceVersion(object);
        ObjectNode line = Json.object();
        line.put("type", eventType);
        line.set("object", sent);
        out.write(Json.bytes(line));
        out.write('\n');
        out.flush();
      }
      out.close();
    } catch (IOException e) {
      LOG.debugf("Watch of %s ended: %s", path.upstreamPath(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      WebSocket open = socket;
      if (open != null) {
        open.abort();
      }
      request.exchange().close();
    }
  }

  /**
   * The mock cannot replay history: a watch of one named object from a resourceVersion the client
   * saw (kubectl delete and wait do this) would miss a deletion that happened just before. When the
   * object is gone by now, say so, as the API server's watch cache would.
   */
  private void replayDeletion(FieldSelector selector, long since) throws IOException {
    java.util.Optional<String> name = selector.name();
    if (since <= 0 || name.isEmpty() || path.name() != null) {
      return;
    }
    if (mock.get(path.upstreamPath() + "/" + name.get()).status() != 404) {
      return;
    }
    ObjectNode object = Json.object();
    object.put("apiVersion", type.apiVersion());
    object.put("kind", type.kind());
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", name.get());
    if (path.namespace() != null) {
      metadata.put("namespace", path.namespace());
    }
    metadata.put("resourceVersion", Long.toString(since + 1));
    ObjectNode event = Json.object();
    event.put("type", "DELETED");
    event.set("object", object);
    queue.offer(event.toString());
  }

  /** An event that only says how far the stream is, as the API server sends when asked. */
  private ObjectNode bookmark(String resourceVersion) {
    ObjectNode object = Json.object();
    object.put("apiVersion", type.apiVersion());
    object.put("kind", type.kind());
    object.putObject("metadata").put("resourceVersion", resourceVersion);
    ObjectNode line = Json.object();
    line.put("type", "BOOKMARK");
    line.set("object", object);
    return line;
  }

  /** When a watch with {@code timeoutSeconds} ends; never without a valid one. */
  private static long deadline(String timeoutSeconds) {
    long seconds = StoredObjects.number(timeoutSeconds);
    return seconds > 0 ? System.currentTimeMillis() + seconds * 1000 : Long.MAX_VALUE;
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        if (!queue.offer(text.toString())) {
          LOG.debug("Watch queue full; ending the watch");
          queue.clear();
          queue.offer(CLOSED);
        }
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      queue.offer(CLOSED);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      LOG.debugf("Watch socket of %s failed: %s", path.upstreamPath(), error.getMessage());
      queue.offer(CLOSED);
    }
  }
}
