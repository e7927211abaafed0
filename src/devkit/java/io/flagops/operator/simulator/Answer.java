package io.flagops.operator.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP answer before it is written. {@code drop} means: close the connection, answer nothing.
 * {@code body} null means no body at all (as for 204).
 */
record Answer(
    int status, String contentType, String body, Map<String, String> headers, boolean drop) {
  static final String JSON = "application/json";
  // Trailing tokens make a request body unreadable, as a strict JSON parser would say.
  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  Answer {
    headers = Map.copyOf(headers);
  }

  static Answer json(int status, JsonNode node) {
    try {
      return new Answer(status, JSON, MAPPER.writeValueAsString(node), Map.of(), false);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render answer", e);
    }
  }

  static Answer error(int status, String message) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("code", ApiError.codeFor(status));
    node.put("message", message);
    node.put("id", Ids.fresh()); // LaunchDarkly's error id, for support to find the request
    return json(status, node);
  }

  static Answer raw(int status, String contentType, String body) {
    return new Answer(status, contentType, body, Map.of(), false);
  }

  static Answer noContent() {
    return new Answer(204, null, null, Map.of(), false);
  }

  static Answer dropped() {
    return new Answer(CallLog.DROPPED, null, null, Map.of(), true);
  }

  /** The request was served (a write applied), then the connection closed without an answer. */
  static Answer lost() {
    return new Answer(CallLog.LOST, null, null, Map.of(), true);
  }

  Answer withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Answer(status, contentType, body, more, drop);
  }
}
