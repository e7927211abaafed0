package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON merge patch (RFC 7386): objects merge key by key, {@code null} removes a key, anything else
 * (lists included) replaces. The strategic variant used for built-in kinds is the same with its
 * {@code $}-directives removed (lists are replaced, not merged by key).
 */
final class MergePatch {
  private MergePatch() {}

  /** Returns the patched document; {@code target} is not modified. */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    return merge(target == null ? null : target.deepCopy(), patch, false);
  }

  /** A strategic merge patch read as a merge patch, without its {@code $} directives. */
  static JsonNode applyStrategic(JsonNode target, JsonNode patch) {
    return merge(target == null ? null : target.deepCopy(), patch, true);
  }

  private static JsonNode merge(JsonNode target, JsonNode patch, boolean strategic) {
    if (!patch.isObject()) {
      return strategic ? withoutDirectives(patch) : patch.deepCopy();
    }
    if (strategic && "delete".equals(patch.path("$patch").asText())) {
      return null;
    }
    ObjectNode result;
    if (target != null && target.isObject()) {
      result = (ObjectNode) target;
    } else {
      result = Json.object();
    }
    if (strategic && "replace".equals(patch.path("$patch").asText())) {
      result.removeAll();
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      if (strategic && key.startsWith("$")) {
        continue;
      }
      if (value.isNull()) {
        result.remove(key);
      } else {
        JsonNode merged = merge(result.get(key), value, strategic);
        if (merged == null) {
          result.remove(key);
        } else {
          result.set(key, merged);
        }
      }
    }
    return result;
  }

  private static JsonNode withoutDirectives(JsonNode node) {
    JsonNode copy = node.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node.isObject()) {
      ((ObjectNode) node).properties().removeIf(e -> e.getKey().startsWith("$"));
    }
    node.forEach(MergePatch::strip);
  }
}
