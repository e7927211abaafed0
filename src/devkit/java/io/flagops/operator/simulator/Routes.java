package io.flagops.operator.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Matches a request path against the path templates the simulator serves. */
final class Routes {
  static final String FLAG_RELEASE = "/api/v2/flags/{projectKey}/{flagKey}/release";
  static final String PROJECT_FLAG_RELEASE =
      "/api/v2/projects/{projectKey}/flags/{flagKey}/release";
  static final String PHASE = PROJECT_FLAG_RELEASE + "/phases/{phaseId}";
  static final String PIPELINES = "/api/v2/projects/{projectKey}/release-pipelines";
  static final String PIPELINE = PIPELINES + "/{pipelineKey}";
  static final String SIM_STATE = "/_sim/state";

  /** Each path template with the methods it answers. */
  private static final Map<String, List<String>> METHODS =
      Map.of(
          FLAG_RELEASE, List.of("GET", "PATCH", "DELETE"),
          PROJECT_FLAG_RELEASE, List.of("PUT"),
          PHASE, List.of("PUT"),
          PIPELINES, List.of("GET"),
          PIPELINE, List.of("GET"),
          SIM_STATE, List.of("GET"));

  private Routes() {}

  /**
   * A matched request. {@code template} is null for an unknown path; {@code route} is what the call
   * log records ("METHOD template", or "METHOD path" for an unknown path).
   */
  record Match(String method, String template, Map<String, String> params, String route) {
    boolean known() {
      return template != null;
    }

    boolean methodAllowed() {
      return known() && METHODS.get(template).contains(method);
    }

    String allow() {
      return String.join(", ", METHODS.get(template));
    }

    String param(String name) {
      return params.get(name);
    }
  }

  static Match match(String method, String rawPath) {
    for (String template : METHODS.keySet()) {
      Optional<Map<String, String>> params = bind(template, rawPath);
      if (params.isPresent()) {
        return new Match(method, template, params.get(), method + " " + template);
      }
    }
    return new Match(method, null, Map.of(), method + " " + rawPath);
  }

  private static Optional<Map<String, String>> bind(String template, String rawPath) {
    String[] want = template.split("/", -1);
    String[] got = rawPath.split("/", -1);
    if (want.length != got.length) {
      return Optional.empty();
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < want.length; i++) {
      if (want[i].startsWith("{")) {
        String value = decode(got[i]);
        if (value.isEmpty()) {
          return Optional.empty();
        }
        params.put(want[i].substring(1, want[i].length() - 1), value);
      } else if (!want[i].equals(got[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  // Percent-decoding of one path segment; '+' is a literal plus in a path.
  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return segment;
    }
  }
}
