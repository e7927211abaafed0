package io.flagops.operator;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of this operator's FlagRelease that the CRD installed in the cluster does not declare.
 * The API server drops them without an error, so an operator upgraded without its CRD (Helm never
 * upgrades a chart's CRDs) would lose what it records to stay safe, such as the completed release
 * it must not run again. Walks the model as Jackson writes it, as the CRD generator does.
 */
final class CrdSchemaCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL_PACKAGE = FlagRelease.class.getPackageName();

  private CrdSchemaCheck() {}

  /** The missing fields as paths ({@code status.completedPipelineKey}); empty when none is. */
  static List<String> missingFields(CustomResourceDefinition crd) {
    JSONSchemaProps schema = servedSchema(crd);
    List<String> missing = new ArrayList<>();
    if (schema == null) {
      missing.add("spec");
      missing.add("status");
      return missing;
    }
    walk(type(FlagReleaseSpec.class), child(schema, "spec"), "spec", missing);
    walk(type(FlagReleaseStatus.class), child(schema, "status"), "status", missing);
    return missing;
  }

  private static JSONSchemaProps servedSchema(CustomResourceDefinition crd) {
    if (crd.getSpec() == null || crd.getSpec().getVersions() == null) {
      return null;
    }
    return crd.getSpec().getVersions().stream()
        .filter(version -> FlagRelease.VERSION.equals(version.getName()))
        .map(CustomResourceDefinitionVersion::getSchema)
        .filter(schema -> schema != null)
        .map(schema -> schema.getOpenAPIV3Schema())
        .findFirst()
        .orElse(null);
  }

  private static void walk(JavaType type, JSONSchemaProps schema, String path, List<String> out) {
    if (schema == null) {
      out.add(path);
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
      return; // kept whatever it holds
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      JSONSchemaProps items = schema.getItems() == null ? null : schema.getItems().getSchema();
      walk(type.getContentType(), items, path + "[]", out);
      return;
    }
    if (type.isMapLikeType()) {
      JSONSchemaProps values =
          schema.getAdditionalProperties() == null
              ? null
              : schema.getAdditionalProperties().getSchema();
      walk(type.getContentType(), values, path + "{}", out);
      return;
    }
    if (type.isEnumType() || !type.getRawClass().getPackageName().equals(MODEL_PACKAGE)) {
      return; // a string, number, boolean or enum: declared by being there
    }
    BeanDescription bean = JSON.getSerializationConfig().introspect(type);
    for (BeanPropertyDefinition property : bean.findProperties()) {
      if (property.couldSerialize()) {
        walk(
            property.getPrimaryType(),
            child(schema, property.getName()),
            path + "." + property.getName(),
            out);
      }
    }
  }

  private static JSONSchemaProps child(JSONSchemaProps schema, String name) {
    return schema.getProperties() == null ? null : schema.getProperties().get(name);
  }

  private static JavaType type(Class<?> type) {
    return JSON.getTypeFactory().constructType(type);
  }
}
