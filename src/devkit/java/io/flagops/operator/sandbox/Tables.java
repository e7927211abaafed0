package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;

/**
 * Server-side printing: objects as a meta.k8s.io/v1 {@code Table}, the answer to {@code Accept:
 * application/json;as=Table;v=v1;g=meta.k8s.io} that gives {@code kubectl get} its columns.
 */
final class Tables {
  private final Clock clock;

  Tables(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param includeObject {@code None}, {@code Object} or (default) {@code Metadata}: what each row
   *     carries as {@code object}
   * @param withColumns false to leave out the column definitions (watch events after the first)
   */
  ObjectNode table(
      ResourceType type,
      List<JsonNode> objects,
      String resourceVersion,
      String includeObject,
      boolean withColumns) {
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    if (resourceVersion != null) {
      metadata.put("resourceVersion", resourceVersion);
    }
    ArrayNode columns = table.putArray("columnDefinitions");
    if (withColumns) {
      type.columns().forEach(c -> columns.add(c.definition()));
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      rows.add(row(type, object, includeObject));
    }
    return table;
  }

  ObjectNode row(ResourceType type, JsonNode object, String includeObject) {
    ObjectNode row = Json.object();
    ArrayNode cells = row.putArray("cells");
    for (Column column : type.columns()) {
      JsonNode cell;
      try {
        cell = column.cell().value(object, clock.instant());
      } catch (RuntimeException e) {
        cell = null;
      }
      cells.add(cell);
    }
    if ("Object".equals(includeObject)) {
      row.set("object", object);
    } else if (!"None".equals(includeObject)) {
      ObjectNode partial = row.putObject("object");
      partial.put("kind", "PartialObjectMetadata");
      partial.put("apiVersion", "meta.k8s.io/v1");
      partial.set("metadata", object.path("metadata").deepCopy());
    }
    return row;
  }
}
