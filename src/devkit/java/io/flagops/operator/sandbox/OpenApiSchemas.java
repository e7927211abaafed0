package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crdv2.generator.v1.JsonSchema;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Component schemas of the OpenAPI v3 documents: custom resources from their CRD schema; ObjectMeta
 * and the built-in kinds from the Fabric8 model classes, through the Fabric8 CRD generator (for
 * {@code kubectl explain}; built-in kinds are not validated).
 */
final class OpenApiSchemas {
  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";

  private static final Map<String, Class<?>> BUILTIN_MODELS =
      Map.of(
          "Secret", Secret.class,
          "ConfigMap", ConfigMap.class,
          "Namespace", Namespace.class,
          "ServiceAccount", ServiceAccount.class,
          "Event", Event.class,
          "Lease", Lease.class);
  private static final Map<Class<?>, ObjectNode> GENERATED = new ConcurrentHashMap<>();

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
    metadata
        .putArray("allOf")
        .addObject()
        .put("$ref", "#/components/schemas/" + META + "ObjectMeta");
    metadata.put("description", "Standard object's metadata.");
    ordered.setAll(properties);
    schema.set("properties", ordered);
    schema
        .putArray("x-kubernetes-group-version-kind")
        .addObject()
        .put("group", type.group())
        .put("kind", type.kind())
        .put("version", type.version());
    return schema;
  }

  /** The meta.k8s.io schema the kinds refer to. */
  static void addMeta(ObjectNode schemas) {
    schemas.set(META + "ObjectMeta", generated(ObjectMeta.class));
  }

  /** The schema of a built-in kind, from its Fabric8 model class; a loose one for the others. */
  private static ObjectNode builtin(ResourceType type) {
    Class<?> model = BUILTIN_MODELS.get(type.kind());
    if (model == null) {
      return (ObjectNode)
          Json.parse("{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true}");
    }
    ObjectNode schema = generated(model);
    ((ObjectNode) schema.path("properties")).remove(List.of("apiVersion", "kind", "metadata"));
    return schema;
  }

  /** The CRD generator's schema of a model class, made once (it takes a while). */
  private static ObjectNode generated(Class<?> model) {
    return GENERATED
        .computeIfAbsent(
            model, c -> (ObjectNode) Json.parse(Serialization.asJson(JsonSchema.from(c))))
        .deepCopy();
  }

  private static ObjectNode text(String description) {
    return Json.object().put("description", description).put("type", "string");
  }
}
