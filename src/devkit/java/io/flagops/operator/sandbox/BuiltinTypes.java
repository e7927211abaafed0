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
    return List.of(
        core(
            "Namespace",
            "namespaces",
            false,
            List.of("ns"),
            List.of(
                Column.nameColumn(),
                Column.computed(
                    "Status",
                    "The phase of the namespace.",
                    o -> orElse(Json.textAt(o, "status", "phase"), "Active")),
                Column.ageColumn())),
        core(
            "Secret",
            "secrets",
            true,
            List.of(),
            List.of(
                Column.nameColumn(),
                Column.computed(
                    "Type",
                    "The type of the secret.",
                    o -> orElse(Json.textAt(o, "type"), "Opaque")),
                dataCount("Data", "The number of data entries of the secret."),
                Column.ageColumn())),
        core(
            "ConfigMap",
            "configmaps",
            true,
            List.of("cm"),
            List.of(
                Column.nameColumn(),
                dataCount("Data", "The number of data entries of the config map."),
                Column.ageColumn())),
        core(
            "Event",
            "events",
            true,
            List.of("ev"),
            List.of(
                new Column(
                    "Last Seen",
                    "string",
                    "",
                    "When the event was last seen.",
                    0,
                    (o, now) -> Column.ageOf(lastSeen(o), now)),
                Column.computed("Type", "Normal or Warning.", o -> Json.textAt(o, "type")),
                Column.computed("Reason", "Why the event happened.", o -> Json.textAt(o, "reason")),
                Column.computed(
                    "Object", "The object the event is about.", BuiltinTypes::involvedObject),
                Column.computed(
                    "Message", "A description of the event.", o -> Json.textAt(o, "message")))),
        core(
            "ServiceAccount",
            "serviceaccounts",
            true,
            List.of("sa"),
            List.of(Column.nameColumn(), Column.ageColumn())),
        new ResourceType(
            "coordination.k8s.io",
            "v1",
            "Lease",
            "leases",
            "lease",
            true,
            List.of(),
            List.of(),
            false,
            List.of(
                Column.nameColumn(),
                Column.computed(
                    "Holder",
                    "The holder of the lease.",
                    o -> Json.textAt(o, "spec", "holderIdentity")),
                Column.ageColumn()),
            null,
            false),
        new ResourceType(
            CRD_GROUP,
            "v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            "customresourcedefinition",
            false,
            List.of("crd", "crds"),
            List.of(),
            true,
            List.of(
                Column.nameColumn(),
                new Column(
                    "Created At",
                    "date",
                    "",
                    "When the definition was created.",
                    0,
                    (o, now) -> createdAt(o))),
            null,
            false));
  }

  private static ResourceType core(
      String kind, String plural, boolean namespaced, List<String> shortNames, List<Column> cols) {
    return new ResourceType(
        "",
        "v1",
        kind,
        plural,
        kind.toLowerCase(Locale.ROOT),
        namespaced,
        shortNames,
        List.of(),
        kind.equals("Namespace"),
        cols,
        null,
        false);
  }

  private static Column dataCount(String name, String description) {
    return new Column(
        name,
        "integer",
        "",
        description,
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
