package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAPI v3, as {@code kubectl} 1.32 reads it: {@code /openapi/v3} lists one document per
 * group-version ({@code api/v1}, {@code apis/<group>/<version>}), each with the paths of its kinds
 * and their schemas. {@code kubectl apply} looks for a PATCH operation tagged with the kind's
 * {@code x-kubernetes-group-version-kind} that takes a {@code fieldValidation} parameter: then it
 * leaves validation to the server (which the gateway does from the CRD schema) instead of
 * downloading the protobuf {@code /openapi/v2}, which is not served. {@code kubectl explain} reads
 * the component schemas.
 */
final class OpenApi {
  private static final String V3 = "/openapi/v3";
  private final ResourceCatalog catalog;

  OpenApi(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  void serve(ApiRequest request) throws IOException {
    String path = request.path();
    if (!request.method().equals("GET")) {
      HttpIo.status(request.exchange(), Statuses.methodNotAllowed("the OpenAPI is read only"));
      return;
    }
    if (path.equals(V3)) {
      HttpIo.json(request.exchange(), 200, root());
      return;
    }
    if (path.startsWith(V3 + "/")) {
      ObjectNode document = document(path.substring(V3.length() + 1));
      if (document != null) {
        request.exchange().getResponseHeaders().set("Etag", "\"" + hash(document) + "\"");
        HttpIo.json(request.exchange(), 200, document);
        return;
      }
    }
    HttpIo.status(request.exchange(), Statuses.noSuchPath());
  }

  /** The discovery document: a hashed URL per group-version. */
  ObjectNode root() {
    ObjectNode root = Json.object();
    ObjectNode paths = root.putObject("paths");
    addEntry(paths, "api/v1");
    for (Map.Entry<String, List<String>> group : catalog.groups().entrySet()) {
      for (String version : group.getValue()) {
        addEntry(paths, "apis/" + group.getKey() + "/" + version);
      }
    }
    return root;
  }

  private void addEntry(ObjectNode paths, String groupVersionPath) {
    ObjectNode document = document(groupVersionPath);
    if (document != null) {
      paths
          .putObject(groupVersionPath)
          .put("serverRelativeURL", V3 + "/" + groupVersionPath + "?hash=" + hash(document));
    }
  }

  /** The document of {@code api/v1} or {@code apis/<group>/<version>}; null when not served. */
  ObjectNode document(String groupVersionPath) {
    String[] parts = groupVersionPath.split("/");
    List<ResourceType> types;
    if (parts.length == 2 && parts[0].equals("api")) {
      types = catalog.inGroupVersion("", parts[1]);
    } else if (parts.length == 3 && parts[0].equals("apis")) {
      types = catalog.inGroupVersion(parts[1], parts[2]);
    } else {
      return null;
    }
    if (types.isEmpty()) {
      return null;
    }
    ObjectNode document = Json.object();
    document.put("openapi", "3.0.0");
    document.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode paths = document.putObject("paths");
    ObjectNode schemas = document.putObject("components").putObject("schemas");
    OpenApiSchemas.addMeta(schemas);
    for (ResourceType type : types) {
      schemas.set(OpenApiSchemas.name(type), OpenApiSchemas.kind(type));
      schemas.set(OpenApiSchemas.name(type) + "List", OpenApiSchemas.list(type));
      addPaths(paths, type);
    }
    return document;
  }

  private static void addPaths(ObjectNode paths, ResourceType type) {
    String base = type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.apiVersion();
    String scope = type.namespaced() ? base + "/namespaces/{namespace}/" : base + "/";
    String collection = scope + type.plural();
    String item = collection + "/{name}";
    String namespaced = type.namespaced() ? "Namespaced" : "";
    if (type.namespaced()) {
      ObjectNode all = paths.putObject(base + "/" + type.plural());
      all.set(
          "get",
          operation(
              type, "list", "list" + id(type) + type.kind() + "ForAllNamespaces", true, false));
    }
    ObjectNode list = paths.putObject(collection);
    list.set(
        "get", operation(type, "list", "list" + id(type) + namespaced + type.kind(), true, false));
    list.set(
        "post",
        operation(type, "post", "create" + id(type) + namespaced + type.kind(), false, true));
    list.set(
        "delete",
        operation(
            type,
            "deletecollection",
            "deletecollection" + id(type) + namespaced + type.kind(),
            false,
            false));
    list.set("parameters", pathParameters(type.namespaced(), false));
    ObjectNode one = paths.putObject(item);
    one.set(
        "get", operation(type, "get", "read" + id(type) + namespaced + type.kind(), false, false));
    one.set(
        "put",
        operation(type, "put", "replace" + id(type) + namespaced + type.kind(), false, true));
    one.set(
        "patch",
        operation(type, "patch", "patch" + id(type) + namespaced + type.kind(), false, true));
    one.set(
        "delete",
        operation(type, "delete", "delete" + id(type) + namespaced + type.kind(), false, false));
    one.set("parameters", pathParameters(type.namespaced(), true));
    if (type.statusSubresource()) {
      ObjectNode status = paths.putObject(item + "/status");
      String suffix = type.kind() + "Status";
      status.set(
          "get", operation(type, "get", "read" + id(type) + namespaced + suffix, false, false));
      status.set(
          "put", operation(type, "put", "replace" + id(type) + namespaced + suffix, false, true));
      status.set(
          "patch", operation(type, "patch", "patch" + id(type) + namespaced + suffix, false, true));
      status.set("parameters", pathParameters(type.namespaced(), true));
    }
  }

  private static ObjectNode operation(
      ResourceType type, String action, String operationId, boolean isList, boolean writes) {
    ObjectNode operation = Json.object();
    operation.put("description", action + " " + type.kind());
    operation.put("operationId", operationId);
    operation.putArray("tags").add(id(type));
    ArrayNode parameters = operation.putArray("parameters");
    if (writes) {
      parameters.add(query("dryRun", "When present, modifications are not persisted."));
      parameters.add(query("fieldManager", "A name for the actor making these changes."));
      parameters.add(
          query(
              "fieldValidation",
              "How the server treats unknown or duplicate fields in the object: Ignore, Warn"
                  + " (the default) or Strict."));
    }
    if (action.equals("patch")) {
      parameters.add(
          Json.object()
              .put("name", "force")
              .put("in", "query")
              .put("description", "Force is only for apply requests.")
              .set("schema", Json.object().put("type", "boolean").put("uniqueItems", true)));
    }
    if (isList) {
      for (String name :
          new String[] {
            "allowWatchBookmarks",
            "continue",
            "fieldSelector",
            "labelSelector",
            "limit",
            "resourceVersion",
            "resourceVersionMatch",
            "sendInitialEvents",
            "timeoutSeconds",
            "watch"
          }) {
        parameters.add(query(name, name));
      }
    }
    if (writes) {
      ObjectNode body = operation.putObject("requestBody");
      ObjectNode content = body.putObject("content");
      String schema =
          action.equals("patch") ? OpenApiSchemas.META + "Patch" : OpenApiSchemas.name(type);
      List<String> types =
          action.equals("patch")
              ? patchTypes(type)
              : List.of("application/json", "application/yaml");
      for (String mediaType : types) {
        content.putObject(mediaType).set("schema", OpenApiSchemas.ref(schema));
      }
      body.put("required", true);
    }
    String answer = isList ? OpenApiSchemas.name(type) + "List" : OpenApiSchemas.name(type);
    if (action.equals("delete") || action.equals("deletecollection")) {
      answer = OpenApiSchemas.META + "Status";
    }
    ObjectNode responses = operation.putObject("responses");
    ObjectNode ok = responses.putObject("200");
    ok.put("description", "OK");
    ok.putObject("content").putObject("application/json").set("schema", OpenApiSchemas.ref(answer));
    responses.putObject("401").put("description", "Unauthorized");
    operation.put("x-kubernetes-action", action);
    operation
        .putObject("x-kubernetes-group-version-kind")
        .put("group", type.group())
        .put("version", type.version())
        .put("kind", type.kind());
    return operation;
  }

  private static List<String> patchTypes(ResourceType type) {
    return type.custom()
        ? List.of("application/json-patch+json", "application/merge-patch+json")
        : List.of(
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json");
  }

  private static ArrayNode pathParameters(boolean namespaced, boolean named) {
    ArrayNode parameters = Json.array();
    if (named) {
      parameters.add(pathParameter("name", "name of the object"));
    }
    if (namespaced) {
      parameters.add(pathParameter("namespace", "object name and auth scope"));
    }
    parameters.add(query("pretty", "If 'true', then the output is pretty printed."));
    return parameters;
  }

  private static ObjectNode pathParameter(String name, String description) {
    ObjectNode parameter = Json.object();
    parameter.put("name", name);
    parameter.put("in", "path");
    parameter.put("description", description);
    parameter.put("required", true);
    parameter.putObject("schema").put("type", "string").put("uniqueItems", true);
    return parameter;
  }

  private static ObjectNode query(String name, String description) {
    ObjectNode parameter = Json.object();
    parameter.put("name", name);
    parameter.put("in", "query");
    parameter.put("description", description);
    parameter.putObject("schema").put("type", "string").put("uniqueItems", true);
    return parameter;
  }

  /** {@code FlagopsIoV1alpha1}, {@code CoreV1}: the API server's operation tag. */
  private static String id(ResourceType type) {
    StringBuilder out = new StringBuilder();
    String group = type.group().isEmpty() ? "core" : type.group();
    for (String part : group.split("[.-]")) {
      if (!part.isEmpty()) {
        out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    return out.append(type.version().substring(0, 1).toUpperCase(Locale.ROOT))
        .append(type.version().substring(1))
        .toString();
  }

  static String hash(ObjectNode document) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-512")
              .digest(Json.text(document).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
