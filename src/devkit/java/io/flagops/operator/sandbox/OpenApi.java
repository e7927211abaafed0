package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3, as {@code kubectl} 1.32 reads it: {@code /openapi/v3} lists one document per
 * group-version ({@code api/v1}, {@code apis/<group>/<version>}), each with the paths of its kinds
 * and their schemas. {@code kubectl apply} looks for a PATCH operation tagged with the kind's
 * {@code x-kubernetes-group-version-kind} that takes a {@code fieldValidation} parameter: then it
 * leaves validation to the server (which the gateway does from the CRD schema) instead of
 * downloading the protobuf {@code /openapi/v2}, which is not served. {@code kubectl explain} reads
 * the component schemas. So each document has those PATCH operations and the schemas, nothing else
 * of what the API server lists.
 */
final class OpenApi {
  private static final String V3 = "/openapi/v3";
  private final ResourceCatalog catalog;

  OpenApi(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  void serve(ApiRequest request) {
    String path = request.path();
    if (!request.method().equals("GET")) {
      request.status(Statuses.methodNotAllowed("the OpenAPI is read only"));
      return;
    }
    if (path.equals(V3)) {
      request.json(200, root());
      return;
    }
    if (path.startsWith(V3 + "/")) {
      ObjectNode document = document(path.substring(V3.length() + 1));
      if (document != null) {
        request.addHeader("Etag", "\"" + hash(document) + "\"");
        request.json(200, document);
        return;
      }
    }
    request.status(Statuses.noSuchPath());
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
      addPatch(paths, type);
    }
    return document;
  }

  /**
   * The one operation kubectl reads: the PATCH of an object of the kind, tagged with its GVK and
   * taking {@code fieldValidation}. The API server lists every verb; kubectl uses no other.
   */
  private static void addPatch(ObjectNode paths, ResourceType type) {
    String base = type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.apiVersion();
    String scope = type.namespaced() ? base + "/namespaces/{namespace}/" : base + "/";
    ObjectNode patch = paths.putObject(scope + type.plural() + "/{name}").putObject("patch");
    patch.put("operationId", "patch" + type.kind());
    patch
        .putArray("parameters")
        .addObject()
        .put("name", "fieldValidation")
        .put("in", "query")
        .put("description", "Strict, Warn (the default) or Ignore unknown fields.")
        .putObject("schema")
        .put("type", "string");
    patch.putObject("responses").putObject("200").put("description", "OK");
    patch.put("x-kubernetes-action", "patch");
    patch
        .putObject("x-kubernetes-group-version-kind")
        .put("group", type.group())
        .put("version", type.version())
        .put("kind", type.kind());
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
