package io.flagops.operator.embedded;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expectations first, then CRUD, as the mock server's own mixed dispatcher; and FlagRelease watch
 * events that a test may hold back and deliver later, in order, so that an operator's informer lags
 * behind the API server as it may on a busy cluster.
 */
final class HeldWatchDispatcher extends Dispatcher {
  private final Map<ServerRequest, Queue<ServerResponse>> expectations;
  private final MockDispatcher mock;
  private final Crud crud = new Crud();
  private final List<Held> held = new ArrayList<>();
  private boolean holding;

  private record Held(long resourceVersion, Runnable delivery) {}

  HeldWatchDispatcher(Map<ServerRequest, Queue<ServerResponse>> expectations) {
    this.expectations = expectations;
    this.mock = new MockDispatcher(expectations);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Queue<ServerResponse> expected =
        expectations.get(
            new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
    return expected != null && !expected.isEmpty()
        ? mock.dispatch(request)
        : crud.dispatch(request);
  }

  /** From now on FlagRelease events wait. */
  synchronized void hold() {
    holding = true;
  }

  /**
   * Delivers the events held up to the object's version {@code resourceVersion}; holds the rest.
   */
  synchronized void deliverThrough(String resourceVersion) {
    long through = Long.parseLong(resourceVersion);
    while (!held.isEmpty() && held.get(0).resourceVersion() <= through) {
      held.remove(0).delivery().run();
    }
  }

  /** Delivers every held event and holds no more. */
  synchronized void release() {
    holding = false;
    held.forEach(h -> h.delivery().run());
    held.clear();
  }

  /** Sends a FlagRelease watch's events now, or holds them while the test says so. */
  private boolean sendOrHold(WebSocket socket, String event) {
    synchronized (this) {
      if (holding) {
        Matcher version = RESOURCE_VERSION.matcher(event);
        long resourceVersion = version.find() ? Long.parseLong(version.group(1)) : Long.MAX_VALUE;
        held.add(new Held(resourceVersion, () -> socket.send(event)));
        return true;
      }
    }
    return socket.send(event);
  }

  private static final Pattern RESOURCE_VERSION =
      Pattern.compile("\"resourceVersion\"\\s*:\\s*\"(\\d+)\"");

  private final class Crud extends KubernetesCrudDispatcher {
    @Override
    public MockResponse handleWatch(String path) {
      MockResponse response = super.handleWatch(path);
      WebSocketListener watch = response.getWebSocketListener();
      return watch == null || !path.contains("/flagreleases")
          ? response
          : response.withWebSocketUpgrade(new HeldWatch(watch));
    }
  }

  /** The mock's watch, sending through a socket whose events may be held. */
  private final class HeldWatch extends WebSocketListener {
    private final WebSocketListener watch;

    HeldWatch(WebSocketListener watch) {
      this.watch = watch;
    }

    private WebSocket held(WebSocket socket) {
      return new WebSocket() {
        @Override
        public RecordedRequest request() {
          return socket.request();
        }

        @Override
        public boolean send(String text) {
          return sendOrHold(socket, text);
        }

        @Override
        public boolean send(byte[] bytes) {
          return socket.send(bytes);
        }

        @Override
        public boolean close(int code, String reason) {
          return socket.close(code, reason);
        }
      };
    }

    @Override
    public void onBeforeAccept(WebSocket socket, Response response) {
      watch.onBeforeAccept(held(socket), response);
    }

    @Override
    public void onOpen(WebSocket socket, Response response) {
      watch.onOpen(held(socket), response);
    }

    @Override
    public void onMessage(WebSocket socket, String text) {
      watch.onMessage(held(socket), text);
    }

    @Override
    public void onClosing(WebSocket socket, int code, String reason) {
      watch.onClosing(held(socket), code, reason);
    }

    @Override
    public void onClosed(WebSocket socket, int code, String reason) {
      watch.onClosed(held(socket), code, reason);
    }

    @Override
    public void onFailure(WebSocket socket, Throwable failure, Response response) {
      watch.onFailure(held(socket), failure, response);
    }
  }
}
