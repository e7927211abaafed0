package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepares an object for storage as the API server would: kind, namespace and name checks, Secret
 * {@code stringData} folded into {@code data}, and for custom resources the schema (unknown fields
 * per {@code fieldValidation}, defaults, value checks).
 */
final class Admission {
  /** Either the object to store (with warnings for the client) or a Status to answer. */
  record Admitted(JsonNode object, ObjectNode failure, List<String> warnings) {
    static Admitted fail(ObjectNode status) {
      return new Admitted(null, status, List.of());
    }
  }

  /** One validator per CRD schema: building one compiles the schema. */
  private static final Map<JsonNode, CrdValidator> VALIDATORS = new ConcurrentHashMap<>();

  private Admission() {}

  /**
   * @param old the stored object on update or patch, null on create
   * @param fieldValidation {@code Strict}, {@code Warn} (the default) or {@code Ignore}
   */
  static Admitted admit(
      ResourceType type, ResourcePath path, JsonNode body, JsonNode old, String fieldValidation) {
    if (!(body instanceof ObjectNode)) {
      return Admitted.fail(Statuses.badRequest("the body of the request must be a JSON object"));
    }
    ObjectNode object = ((ObjectNode) body).deepCopy();
    String apiVersion = Json.textAt(object, "apiVersion");
    String kind = Json.textAt(object, "kind");
    if (apiVersion == null) {
      object.put("apiVersion", type.apiVersion());
    }
    if (kind == null) {
      object.put("kind", type.kind());
    }
    if (!type.apiVersion().equals(object.path("apiVersion").asText())
        || !type.kind().equals(object.path("kind").asText())) {
      return Admitted.fail(
          Statuses.badRequest(
              "the API version in the data ("
                  + object.path("apiVersion").asText()
                  + ") does not match the expected API version ("
                  + type.apiVersion()
                  + ")"));
    }
    ObjectNode metadata =
        object.get("metadata") instanceof ObjectNode m ? m : object.putObject("metadata");
    if (type.namespaced() && path.namespace() != null) {
      String namespace = Json.textAt(metadata, "namespace");
      if (namespace == null || namespace.isEmpty()) {
        metadata.put("namespace", path.namespace());
      } else if (!namespace.equals(path.namespace())) {
        return Admitted.fail(
            Statuses.badRequest(
                "the namespace of the provided object does not match the namespace sent on the"
                    + " request"));
      }
    }
    if (path.name() != null) {
      String name = Json.textAt(metadata, "name");
      if (name == null || name.isEmpty()) {
        metadata.put("name", path.name());
      } else if (!name.equals(path.name())) {
        return Admitted.fail(
            Statuses.badRequest(
                "the name of the object ("
                    + name
                    + ") does not match the name on the URL ("
                    + path.name()
                    + ")"));
      }
    }
    if (type.group().isEmpty() && type.kind().equals("Secret")) {
      foldStringData(object);
    }
    if (type.group().isEmpty() && type.kind().equals("Namespace") && old == null) {
      object.putObject("status").put("phase", "Active");
    }
    if (!type.custom() || type.schema() == null) {
      return new Admitted(object, null, List.of());
    }
    return checkSchema(type, path, object, old, fieldValidation);
  }

  private static Admitted checkSchema(
      ResourceType type, ResourcePath path, ObjectNode object, JsonNode old, String validation) {
    boolean mainResource = type.statusSubresource() && !"status".equals(path.subresource());
    if (mainResource) {
      object.remove("status"); // the status of the main resource is ignored: the stored one stays
    }
    CrdValidator.Verdict verdict =
        VALIDATORS.computeIfAbsent(type.schema(), CrdValidator::new).check(object, old);
    List<String> unknown = verdict.unknownFields();
    if (!unknown.isEmpty() && "Strict".equalsIgnoreCase(validation)) {
      return Admitted.fail(
          Statuses.badRequest(
              String.format(
                  "%s in version \"%s\" cannot be handled as a %s: strict decoding error: %s",
                  type.kind(),
                  type.version(),
                  type.kind(),
                  String.join(
                      ", ", unknown.stream().map(f -> "unknown field \"" + f + "\"").toList()))));
    }
    List<String> warnings =
        "Ignore".equalsIgnoreCase(validation)
            ? List.of()
            : unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
    List<CrdValidator.Problem> problems = new ArrayList<>(verdict.problems());
    if (object.path("metadata").path("name").asText("").isEmpty()
        && object.path("metadata").path("generateName").asText("").isEmpty()) {
      problems.add(
          new CrdValidator.Problem(
              "metadata.name", "Required value: name or generateName is required"));
    }
    if (!problems.isEmpty()) {
      String name = object.path("metadata").path("name").asText("");
      return Admitted.fail(Statuses.invalid(type, name, problems));
    }
    if (mainResource && old != null && old.has("status")) {
      ((ObjectNode) verdict.object()).set("status", old.get("status").deepCopy());
    }
    return new Admitted(verdict.object(), null, warnings);
  }

  /** {@code stringData} is write-only: the API server merges it into {@code data} (base64). */
  private static void foldStringData(ObjectNode secret) {
    if (!secret.has("type")) {
      secret.put("type", "Opaque");
    }
    JsonNode stringData = secret.remove("stringData");
    if (stringData == null || !stringData.isObject()) {
      return;
    }
    ObjectNode data = secret.get("data") instanceof ObjectNode d ? d : secret.putObject("data");
    for (Map.Entry<String, JsonNode> entry : stringData.properties()) {
      data.put(
          entry.getKey(),
          Base64.getEncoder()
              .encodeToString(entry.getValue().asText().getBytes(StandardCharsets.UTF_8)));
    }
  }
}
