package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A kind the gateway serves: its names for discovery, its table columns and (for custom resources)
 * its schema. Built-in kinds have no schema and are not validated.
 *
 * @param schema the CRD's openAPIV3Schema, null for built-in kinds
 * @param custom whether it comes from a CRD (custom resources refuse strategic merge patch)
 */
record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    boolean statusSubresource,
    List<Column> columns,
    JsonNode schema,
    boolean custom) {

  static final List<String> VERBS =
      List.of("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch");

  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** {@code flagreleases.flagops.io}, the name the API server uses in messages. */
  String qualifiedPlural() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** One type per served version of a CRD (JSON form). */
  static List<ResourceType> fromCrd(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asText();
    String kind = names.path("kind").asText();
    String plural = names.path("plural").asText();
    String singular = names.path("singular").asText(kind.toLowerCase(Locale.ROOT));
    boolean namespaced = !"Cluster".equals(spec.path("scope").asText("Namespaced"));
    List<String> shortNames = texts(names.path("shortNames"));
    List<String> categories = texts(names.path("categories"));
    List<ResourceType> types = new ArrayList<>();
    for (JsonNode version : spec.path("versions")) {
      if (!version.path("served").asBoolean(true)) {
        continue;
      }
      List<Column> columns = new ArrayList<>();
      columns.add(Column.nameColumn());
      JsonNode printerColumns = version.path("additionalPrinterColumns");
      if (printerColumns.isArray() && !printerColumns.isEmpty()) {
        for (JsonNode column : printerColumns) {
          columns.add(Column.printerColumn(column));
        }
      } else {
        columns.add(Column.ageColumn());
      }
      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      types.add(
          new ResourceType(
              group,
              version.path("name").asText(),
              kind,
              plural,
              singular,
              namespaced,
              shortNames,
              categories,
              version.path("subresources").has("status"),
              List.copyOf(columns),
              schema.isObject() ? schema : Json.object().put("type", "object"),
              true));
    }
    return types;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }
}
