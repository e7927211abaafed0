package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;

/**
 * JSON merge patch (RFC 7396), applied by the JSON-P implementation on the class path (the mock's
 * own merge appends to lists). The strategic variant used for built-in kinds is read as a merge
 * patch: {@code $patch: delete} removes a map, other {@code $} directives are dropped, so lists are
 * replaced rather than merged by key.
 */
final class MergePatch {
  private MergePatch() {}

  /** Returns the patched document; {@code target} is not modified. */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    JsonValue patched = jakarta.json.Json.createMergePatch(read(patch)).apply(read(target));
    return Json.parse(patched.toString());
  }

  static JsonNode applyStrategic(JsonNode target, JsonNode patch) {
    return apply(target, withoutDirectives(patch, true));
  }

  private static JsonNode withoutDirectives(JsonNode node, boolean inMap) {
    if (inMap && node.isObject() && "delete".equals(node.path("$patch").asText())) {
      return NullNode.getInstance();
    }
    JsonNode copy = node.deepCopy();
    if (copy instanceof ObjectNode object) {
      object.properties().removeIf(e -> e.getKey().startsWith("$"));
      object.properties().forEach(e -> e.setValue(withoutDirectives(e.getValue(), true)));
    } else if (copy.isArray()) {
      for (int i = 0; i < copy.size(); i++) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) copy)
            .set(i, withoutDirectives(copy.get(i), false));
      }
    }
    return copy;
  }

  private static JsonValue read(JsonNode node) {
    try (JsonReader reader = jakarta.json.Json.createReader(new StringReader(node.toString()))) {
      return reader.readValue();
    }
  }
}
