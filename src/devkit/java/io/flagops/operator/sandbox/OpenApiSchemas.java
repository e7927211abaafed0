package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Component schemas of the OpenAPI v3 documents: the shared meta.k8s.io ones, custom resources from
 * their CRD schema, and small schemas of the built-in kinds (enough for {@code kubectl explain};
 * built-in kinds are not validated).
 */
final class OpenApiSchemas {
  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";

  private OpenApiSchemas() {}

  /** {@code io.flagops.v1alpha1.FlagRelease} for group flagops.io: the API server's naming. */
  static String name(ResourceType type) {
    String prefix;
    if (type.group().isEmpty()) {
      prefix = "io.k8s.api.core";
    } else if (type.group().endsWith(".k8s.io")) {
      String head = type.group().substring(0, type.group().length() - ".k8s.io".length());
      prefix = "io.k8s.api." + head.replace('.', '_');
    } else {
      String[] parts = type.group().split("\\.");
      StringBuilder reversed = new StringBuilder();
      for (int i = parts.length - 1; i >= 0; i--) {
        reversed.append(reversed.length() == 0 ? "" : ".").append(parts[i]);
      }
      prefix = reversed.toString();
    }
    return prefix + "." + type.version() + "." + type.kind();
  }

  static JsonNode ref(String schema) {
    return Json.object().put("$ref", "#/components/schemas/" + schema);
  }

  /** The schema of a kind, with apiVersion, kind and metadata, tagged with its GVK. */
  static ObjectNode kind(ResourceType type) {
    ObjectNode schema = type.schema() != null ? type.schema().deepCopy() : builtin(type).deepCopy();
    schema.put("type", "object");
    ObjectNode properties =
        schema.get("properties") instanceof ObjectNode p ? p : schema.putObject("properties");
    ObjectNode ordered = Json.object();
    ordered.set(
        "apiVersion",
        text(
            "APIVersion defines the versioned schema of this representation of an object. Servers"
                + " should convert recognized schemas to the latest internal value, and may reject"
                + " unrecognized values."));
    ordered.set(
        "kind",
        text(
            "Kind is a string value representing the REST resource this object represents."
                + " Servers may infer this from the endpoint the client submits requests to. Cannot"
                + " be updated. In CamelCase."));
    ObjectNode metadata = ordered.putObject("metadata");
    metadata.putArray("allOf").add(ref(META + "ObjectMeta"));
    metadata.put("description", "Standard object's metadata.");
    ordered.setAll(properties);
    schema.set("properties", ordered);
    ArrayNode gvk = schema.putArray("x-kubernetes-group-version-kind");
    gvk.addObject()
        .put("group", type.group())
        .put("kind", type.kind())
        .put("version", type.version());
    return schema;
  }

  static ObjectNode list(ResourceType type) {
    ObjectNode schema = Json.object();
    schema.put("description", type.kind() + "List is a list of " + type.kind() + ".");
    schema.putArray("required").add("items");
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    properties.set("apiVersion", text("APIVersion of the list."));
    ObjectNode items = properties.putObject("items");
    items.put("description", "List of " + type.plural() + ".");
    items.put("type", "array");
    items.set("items", ref(name(type)));
    properties.set("kind", text("Kind of the list."));
    ObjectNode metadata = properties.putObject("metadata");
    metadata.putArray("allOf").add(ref(META + "ListMeta"));
    schema
        .putArray("x-kubernetes-group-version-kind")
        .addObject()
        .put("group", type.group())
        .put("kind", type.kind() + "List")
        .put("version", type.version());
    return schema;
  }

  /** The meta.k8s.io schemas the kinds refer to. */
  static void addMeta(ObjectNode schemas) {
    ObjectNode objectMeta =
        object("ObjectMeta is metadata that all persisted resources must have.");
    ObjectNode meta = objectMeta.putObject("properties");
    meta.set(
        "annotations", map("Annotations is an unstructured key value map stored with a resource."));
    meta.set("creationTimestamp", time("When this object was created (RFC 3339, UTC)."));
    meta.set(
        "deletionGracePeriodSeconds",
        integer("Seconds allowed for this object to gracefully terminate."));
    meta.set("deletionTimestamp", time("When this resource will be deleted; set by the server."));
    ObjectNode finalizers = Json.object();
    finalizers.put(
        "description",
        "Must be empty before the object is deleted from the registry. Each entry is an"
            + " identifier for the responsible component that will remove the entry from the"
            + " list.");
    finalizers.put("type", "array");
    finalizers.set("items", text(null));
    meta.set("finalizers", finalizers);
    meta.set("generateName", text("Optional prefix used by the server to generate a unique name."));
    meta.set(
        "generation", integer("A sequence number representing a specific generation of the spec."));
    meta.set("labels", map("Map of string keys and values used to organize and select objects."));
    ObjectNode managed = Json.object();
    managed.put("description", "Which workflow manages which fields.");
    managed.put("type", "array");
    managed.set(
        "items",
        Json.object().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true));
    meta.set("managedFields", managed);
    meta.set("name", text(Column.NAME_DESCRIPTION));
    meta.set(
        "namespace", text("Namespace defines the space within which each name must be unique."));
    ObjectNode owners = Json.object();
    owners.put("description", "Objects depended by this object.");
    owners.put("type", "array");
    owners.set("items", ref(META + "OwnerReference"));
    meta.set("ownerReferences", owners);
    meta.set(
        "resourceVersion",
        text("An opaque value that represents the internal version of this object."));
    meta.set("selfLink", text("Deprecated."));
    meta.set("uid", text("The unique in time and space value for this object."));
    schemas.set(META + "ObjectMeta", objectMeta);

    ObjectNode owner = object("Information to let you identify an owning object.");
    ObjectNode ownerProperties = owner.putObject("properties");
    ownerProperties.set("apiVersion", text("API version of the referent."));
    ownerProperties.set("blockOwnerDeletion", bool("Whether the owner blocks deletion."));
    ownerProperties.set("controller", bool("Whether this reference points to the controller."));
    ownerProperties.set("kind", text("Kind of the referent."));
    ownerProperties.set("name", text("Name of the referent."));
    ownerProperties.set("uid", text("UID of the referent."));
    owner.putArray("required").add("apiVersion").add("kind").add("name").add("uid");
    schemas.set(META + "OwnerReference", owner);

    ObjectNode listMeta = object("Metadata of synthetic resources such as lists.");
    ObjectNode listProperties = listMeta.putObject("properties");
    listProperties.set("continue", text("Token to continue a chunked list."));
    listProperties.set("remainingItemCount", integer("Number of items left."));
    listProperties.set("resourceVersion", text("Version of the list."));
    listProperties.set("selfLink", text("Deprecated."));
    schemas.set(META + "ListMeta", listMeta);

    schemas.set(
        META + "Patch",
        object("Patch is provided to give a concrete name and type to the patch body."));
    ObjectNode status =
        object("Status is a return value for calls that do not return other objects.");
    status.put("x-kubernetes-preserve-unknown-fields", true);
    schemas.set(META + "Status", status);
    ObjectNode delete = object("DeleteOptions may be provided when deleting an API object.");
    delete.put("x-kubernetes-preserve-unknown-fields", true);
    schemas.set(META + "DeleteOptions", delete);
  }

  /** Small schemas of the built-in kinds. */
  private static ObjectNode builtin(ResourceType type) {
    return switch (type.kind()) {
      case "Secret" ->
          withProperties(
              "Secret holds secret data of a certain type.",
              Map.of(
                  "data", map("Secret data, each value base64 encoded."),
                  "stringData",
                      map("Write-only convenience: values in clear text, merged into data."),
                  "type",
                      text(
                          "Used to facilitate programmatic handling of secret data (Opaque, ...)."),
                  "immutable", bool("If true, the data cannot be updated.")));
      case "ConfigMap" ->
          withProperties(
              "ConfigMap holds configuration data for pods to consume.",
              Map.of(
                  "data", map("Configuration data (UTF-8)."),
                  "binaryData", map("Binary configuration data, base64 encoded."),
                  "immutable", bool("If true, the data cannot be updated.")));
      case "Namespace" ->
          withProperties(
              "Namespace provides a scope for Names.",
              Map.of(
                  "spec", preserved("Spec defines the behavior of the Namespace."),
                  "status", preserved("Status describes the current status of a Namespace.")));
      case "ServiceAccount" ->
          withProperties(
              "ServiceAccount binds together a name and secrets.",
              Map.of(
                  "automountServiceAccountToken", bool("Whether pods mount an API token."),
                  "secrets", preservedArray("Secrets pods may use."),
                  "imagePullSecrets", preservedArray("Secrets used to pull images.")));
      case "Event" ->
          withProperties(
              "Event is a report of an event somewhere in the cluster.",
              Map.of(
                  "involvedObject", preserved("The object that this event is about."),
                  "reason", text("A short, machine understandable string giving the reason."),
                  "message", text("A human-readable description of the status of this operation."),
                  "type", text("Type of this event (Normal, Warning)."),
                  "count", integer("The number of times this event has occurred."),
                  "firstTimestamp", time("The time at which the event was first recorded."),
                  "lastTimestamp",
                      time("The time at which the most recent occurrence was recorded."),
                  "source", preserved("The component reporting this event."),
                  "reportingComponent", text("Name of the controller that emitted this Event."),
                  "action", text("What action was taken/failed regarding the involved object.")));
      case "Lease" ->
          withProperties(
              "Lease defines a lease concept.",
              Map.of("spec", preserved("Specification of the Lease.")));
      default ->
          withProperties(
              type.kind() + " of " + type.apiVersion() + ".",
              Map.of(
                  "spec", preserved("Specification."),
                  "status", preserved("Status.")));
    };
  }

  private static ObjectNode withProperties(String description, Map<String, JsonNode> properties) {
    ObjectNode schema = object(description);
    ObjectNode props = schema.putObject("properties");
    properties.keySet().stream().sorted().forEach(k -> props.set(k, properties.get(k)));
    return schema;
  }

  private static ObjectNode object(String description) {
    ObjectNode schema = Json.object();
    schema.put("description", description);
    schema.put("type", "object");
    return schema;
  }

  private static ObjectNode preserved(String description) {
    ObjectNode schema = object(description);
    schema.put("x-kubernetes-preserve-unknown-fields", true);
    return schema;
  }

  private static ObjectNode preservedArray(String description) {
    ObjectNode schema = Json.object();
    schema.put("description", description);
    schema.put("type", "array");
    schema.set(
        "items",
        Json.object().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true));
    return schema;
  }

  private static ObjectNode text(String description) {
    ObjectNode schema = Json.object();
    if (description != null) {
      schema.put("description", description);
    }
    schema.put("type", "string");
    return schema;
  }

  private static ObjectNode time(String description) {
    return text(description).put("format", "date-time");
  }

  private static ObjectNode integer(String description) {
    ObjectNode schema = Json.object();
    schema.put("description", description);
    schema.put("type", "integer");
    schema.put("format", "int64");
    return schema;
  }

  private static ObjectNode bool(String description) {
    ObjectNode schema = Json.object();
    schema.put("description", description);
    schema.put("type", "boolean");
    return schema;
  }

  private static ObjectNode map(String description) {
    ObjectNode schema = object(description);
    schema.set("additionalProperties", Json.object().put("type", "string"));
    return schema;
  }
}
