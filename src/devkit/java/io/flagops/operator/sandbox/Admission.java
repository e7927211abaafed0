package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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
    boolean statusWrite = "status".equals(path.subresource());
    if (type.statusSubresource() && !statusWrite) {
      // the status of the main resource is ignored: the stored one stays (created without)
      object.remove("status");
    }
    SchemaValidator.Result result = SchemaValidator.check(type.schema(), object, old);
    List<String> warnings = new ArrayList<>();
    if (!result.unknownFields().isEmpty()) {
      if ("Strict".equalsIgnoreCase(validation)) {
        StringBuilder message = new StringBuilder();
        message
            .append(type.kind())
            .append(" in version \"")
            .append(type.version())
            .append("\" cannot be handled as a ")
            .append(type.kind())
            .append(": strict decoding error: ");
        for (int i = 0; i < result.unknownFields().size(); i++) {
          message
              .append(i == 0 ? "" : ", ")
              .append("unknown field \"")
              .append(result.unknownFields().get(i))
              .append('"');
        }
        return Admitted.fail(Statuses.badRequest(message.toString()));
      }
      if (!"Ignore".equalsIgnoreCase(validation)) {
        result.unknownFields().forEach(f -> warnings.add("unknown field \"" + f + "\""));
      }
    }
    if (!result.problems().isEmpty()) {
      String name = object.path("metadata").path("name").asText("");
      return Admitted.fail(Statuses.invalid(type, name, result.problems()));
    }
    ObjectNode admitted = (ObjectNode) result.object();
    if (type.statusSubresource() && !statusWrite && old != null && old.has("status")) {
      admitted.set("status", old.get("status").deepCopy());
    }
    return new Admitted(admitted, null, warnings);
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
    for (Iterator<Map.Entry<String, JsonNode>> it = stringData.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      data.put(
          entry.getKey(),
          Base64.getEncoder()
              .encodeToString(entry.getValue().asText().getBytes(StandardCharsets.UTF_8)));
    }
  }
}
