package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.function.Function;

/**
 * One column of a server-side table: its definition and how a cell is computed from an object. A
 * missing value is a null cell, which {@code kubectl} prints as an empty cell.
 */
record Column(
    String name, String type, String format, String description, int priority, Cell cell) {

  /** Computes a cell of the column from an object, at a time (for ages). */
  interface Cell {
    JsonNode value(JsonNode object, Instant now);
  }

  static final String NAME_DESCRIPTION =
      "Name must be unique within a namespace. Is required when creating resources, although some"
          + " resources may allow a client to request the generation of an appropriate name"
          + " automatically. Name is primarily intended for creation idempotence and configuration"
          + " definition. Cannot be updated.";
  static final String AGE_DESCRIPTION =
      "CreationTimestamp is a timestamp representing the server time when this object was"
          + " created. It is not guaranteed to be set in happens-before order across separate"
          + " operations. Clients may not set this value. It is represented in RFC3339 form and is"
          + " in UTC.";

  /** The first column of every table. */
  static Column nameColumn() {
    return new Column(
        "Name",
        "string",
        "name",
        NAME_DESCRIPTION,
        0,
        (object, now) -> text(Json.textAt(object, "metadata", "name")));
  }

  static Column ageColumn() {
    return new Column(
        "Age",
        "string",
        "",
        AGE_DESCRIPTION,
        0,
        (object, now) -> ageOf(Json.textAt(object, "metadata", "creationTimestamp"), now));
  }

  /** A column whose cell is computed by a function of the object; null means no value. */
  static Column computed(String name, String description, Function<JsonNode, String> value) {
    return new Column(
        name, "string", "", description, 0, (object, now) -> text(value.apply(object)));
  }

  /** A column from a CRD's {@code additionalPrinterColumns} entry, evaluated as the API server. */
  static Column printerColumn(JsonNode definition) {
    String name = definition.path("name").asText();
    String type = definition.path("type").asText("string");
    String format = definition.path("format").asText("");
    String description = definition.path("description").asText("");
    if (description.isEmpty()) {
      description =
          "Custom resource definition column (in JSONPath format): " + jsonPathOf(definition);
    }
    int priority = definition.path("priority").asInt(0);
    JsonPath path = JsonPath.compile(jsonPathOf(definition));
    return new Column(
        name,
        type,
        format,
        description,
        priority,
        (object, now) -> cellOf(type, path, object, now));
  }

  private static String jsonPathOf(JsonNode definition) {
    return definition.path("jsonPath").asText();
  }

  ObjectNode definition() {
    ObjectNode node = Json.object();
    node.put("name", name);
    node.put("type", type);
    node.put("format", format);
    node.put("description", description);
    node.put("priority", priority);
    return node;
  }

  static JsonNode cellOf(String type, JsonPath path, JsonNode object, Instant now) {
    JsonNode value = path.first(object);
    if (value == null || value.isNull() || value.isMissingNode()) {
      return NullNode.getInstance();
    }
    switch (type) {
      case "integer":
        if (value.isIntegralNumber()) {
          return Json.NODES.numberNode(value.asLong());
        }
        if (value.isNumber()) {
          return Json.NODES.numberNode((long) value.asDouble());
        }
        return NullNode.getInstance();
      case "number":
        return value.isNumber() ? value : NullNode.getInstance();
      case "boolean":
        return value.isBoolean() ? value : NullNode.getInstance();
      case "date":
        return value.isTextual() ? ageOf(value.asText(), now) : Json.NODES.textNode("<invalid>");
      default:
        return Json.NODES.textNode(value.isContainerNode() ? Json.text(value) : value.asText());
    }
  }

  static JsonNode ageOf(String timestamp, Instant now) {
    if (timestamp == null || timestamp.isEmpty()) {
      return Json.NODES.textNode("<unknown>");
    }
    return Json.NODES.textNode(Ages.since(timestamp, now));
  }

  private static JsonNode text(String value) {
    return value == null ? NullNode.getInstance() : Json.NODES.textNode(value);
  }
}
