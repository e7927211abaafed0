package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Objects as the mock stores them, made to look as the API server would answer them. */
final class StoredObjects {
  private StoredObjects() {}

  private static final Comparator<JsonNode> BY_KEY =
      Comparator.comparing((JsonNode o) -> o.path("metadata").path("namespace").asText(""))
          .thenComparing(o -> o.path("metadata").path("name").asText(""));

  /**
   * Drops the {@code status: null} the mock's writes leave on a kind with a status subresource (the
   * API server leaves the field out). Modifies and returns the object.
   */
  static JsonNode normalize(JsonNode object) {
    if (object instanceof ObjectNode node && node.path("status").isNull()) {
      node.remove("status");
    }
    return object;
  }

  /** The items of a list answer of the mock, normalized, filtered and sorted by namespace/name. */
  static List<JsonNode> items(JsonNode list, FieldSelector selector) {
    List<JsonNode> items = new ArrayList<>();
    for (JsonNode item : list.path("items")) {
      normalize(item);
      if (selector.matches(item)) {
        items.add(item);
      }
    }
    items.sort(BY_KEY);
    return items;
  }

  /** A typed list ({@code FlagReleaseList}) of the items. */
  static ObjectNode list(ResourceType type, List<JsonNode> items, String resourceVersion) {
    ObjectNode list = Json.object();
    list.put("apiVersion", type.apiVersion());
    list.put("kind", type.kind() + "List");
    ObjectNode metadata = list.putObject("metadata");
    metadata.put("resourceVersion", resourceVersion == null ? "0" : resourceVersion);
    list.putArray("items").addAll(items);
    return list;
  }

  static String resourceVersion(JsonNode object) {
    return object.path("metadata").path("resourceVersion").asText(null);
  }

  /**
   * A decimal parameter (a resource version: the mock uses a counter; a timeout) as a number, -1
   * when absent or not one.
   */
  static long number(String text) {
    try {
      return text == null ? -1 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
