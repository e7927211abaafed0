package io.flagops.operator.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every API request the simulator answered (also faulted ones), in arrival order. Thread-safe.
 * Changes made through {@link SimulatorUi} and reads of {@code /_sim/state} are not logged.
 */
public final class CallLog {
  public static final String GET_RELEASE = "GET " + Routes.FLAG_RELEASE;
  public static final String CREATE_RELEASE = "PUT " + Routes.PROJECT_FLAG_RELEASE;
  public static final String UPDATE_PHASE = "PUT " + Routes.PHASE;
  public static final String PATCH_RELEASE = "PATCH " + Routes.FLAG_RELEASE;
  public static final String DELETE_RELEASE = "DELETE " + Routes.FLAG_RELEASE;
  public static final String GET_PIPELINE = "GET " + Routes.PIPELINE;
  public static final String LIST_PIPELINES = "GET " + Routes.PIPELINES;

  /** The status logged for a request whose connection was dropped without an answer. */
  public static final int DROPPED = 0;

  /** The status logged for a write that was applied but whose answer was lost. */
  public static final int LOST = -1;

  /**
   * One request. {@code route} is "METHOD template" for a known path (e.g. {@link #GET_RELEASE}) or
   * "METHOD path" for an unknown one; {@code path} is the path as sent, with any query; {@code
   * userAgent} the caller's User-Agent header, if any.
   */
  public record Call(
      String method,
      String route,
      String path,
      int status,
      String requestBody,
      Instant at,
      String userAgent) {
    public boolean isWrite() {
      return !"GET".equals(method);
    }
  }

  private final List<Call> calls = new ArrayList<>();

  synchronized void add(Call call) {
    calls.add(call);
  }

  public synchronized List<Call> entries() {
    return List.copyOf(calls);
  }

  public synchronized int size() {
    return calls.size();
  }

  public synchronized long count(String route) {
    return calls.stream().filter(c -> c.route().equals(route)).count();
  }

  public synchronized long count(String route, int status) {
    return calls.stream().filter(c -> c.route().equals(route) && c.status() == status).count();
  }

  public synchronized Map<String, Long> countsByRoute() {
    return calls.stream()
        .collect(Collectors.groupingBy(Call::route, TreeMap::new, Collectors.counting()));
  }

  /** Per route, how many answers had each status. */
  public synchronized Map<String, Map<Integer, Long>> countsByRouteAndStatus() {
    return calls.stream()
        .collect(
            Collectors.groupingBy(
                Call::route,
                TreeMap::new,
                Collectors.groupingBy(Call::status, TreeMap::new, Collectors.counting())));
  }

  /** The calls that may change something (every method but GET). */
  public synchronized List<Call> writes() {
    return calls.stream().filter(Call::isWrite).toList();
  }

  public synchronized void clear() {
    calls.clear();
  }

  @Override
  public synchronized String toString() {
    List<String> lines = new ArrayList<>();
    for (Call call : calls) {
      lines.add(call.method() + " " + call.path() + " -> " + call.status());
    }
    return String.join("\n", lines);
  }
}
