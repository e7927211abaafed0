package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The built-in kinds the sandbox serves, with the columns {@code kubectl get} shows for them. */
final class BuiltinTypes {
  private BuiltinTypes() {}

  static final String CRD_GROUP = "apiextensions.k8s.io";

  static List<ResourceType> all() {
    Column name = Column.nameColumn();
    Column age = Column.ageColumn();
    return List.of(
        type(
            "",
            "Namespace",
            false,
            List.of("ns"),
            name,
            or("Status", "Active", "status", "phase"),
            age),
        type("", "Secret", true, List.of(), name, or("Type", "Opaque", "type"), dataCount(), age),
        type("", "ConfigMap", true, List.of("cm"), name, dataCount(), age),
        type(
            "",
            "Event",
            true,
            List.of("ev"),
            new Column(
                "Last Seen", "string", "", "", 0, (o, now) -> Column.ageOf(lastSeen(o), now)),
            field("Type", ".type"),
            field("Reason", ".reason"),
            Column.computed("Object", "", BuiltinTypes::involvedObject),
            field("Message", ".message")),
        type("", "ServiceAccount", true, List.of("sa"), name, age),
        type(
            "coordination.k8s.io",
            "Lease",
            true,
            List.of(),
            name,
            field("Holder", ".spec.holderIdentity"),
            age),
        type(
            CRD_GROUP,
            "CustomResourceDefinition",
            false,
            List.of("crd", "crds"),
            name,
            new Column("Created At", "date", "", "", 0, (o, now) -> createdAt(o))));
  }

  /** A built-in kind at version v1: plural and singular from its kind, as they all are. */
  private static ResourceType type(
      String group, String kind, boolean namespaced, List<String> shortNames, Column... columns) {
    String singular = kind.toLowerCase(Locale.ROOT);
    return new ResourceType(
        group,
        "v1",
        kind,
        singular + "s",
        singular,
        namespaced,
        shortNames,
        List.of(),
        kind.equals("Namespace") || kind.equals("CustomResourceDefinition"),
        List.of(columns),
        null,
        false);
  }

  /** A column of a field, read as a CRD's printer column. */
  private static Column field(String name, String jsonPath) {
    return Column.printerColumn(Json.object().put("name", name).put("jsonPath", jsonPath));
  }

  /** A column of a field that the API server shows with a default when it is not set. */
  private static Column or(String name, String fallback, String... path) {
    return Column.computed(name, "", o -> orElse(Json.textAt(o, path), fallback));
  }

  private static Column dataCount() {
    return new Column(
        "Data",
        "integer",
        "",
        "The number of data entries.",
        0,
        (o, now) -> {
          int count = o.path("data").size() + o.path("binaryData").size();
          return Json.NODES.numberNode(count);
        });
  }

  private static String lastSeen(JsonNode event) {
    for (String field : new String[] {"lastTimestamp", "eventTime", "firstTimestamp"}) {
      String value = Json.textAt(event, field);
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    String series = Json.textAt(event, "series", "lastObservedTime");
    return series != null ? series : Json.textAt(event, "metadata", "creationTimestamp");
  }

  private static String involvedObject(JsonNode event) {
    String kind = Json.textAt(event, "involvedObject", "kind");
    String name = Json.textAt(event, "involvedObject", "name");
    if (name == null) {
      return null;
    }
    return kind == null ? name : kind.toLowerCase(Locale.ROOT) + "/" + name;
  }

  private static JsonNode createdAt(JsonNode object) {
    String created = Json.textAt(object, "metadata", "creationTimestamp");
    Instant instant = Ages.parse(created);
    return instant == null
        ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
        : Json.NODES.textNode(Ages.format(instant));
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }
}
