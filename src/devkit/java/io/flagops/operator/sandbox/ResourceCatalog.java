package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kinds the gateway serves: the built-in ones and the CRDs it was started with. A CRD applied
 * later is stored by the mock but serves no new kind: the sandbox has the one CRD of the operator.
 */
final class ResourceCatalog {
  private final List<ResourceType> types;

  /**
   * @param crds the CRDs to serve (JSON form)
   */
  ResourceCatalog(List<JsonNode> crds) {
    List<ResourceType> all = new ArrayList<>(BuiltinTypes.all());
    crds.forEach(crd -> all.addAll(ResourceType.fromCrd(crd)));
    this.types = List.copyOf(all);
  }

  /** Every served type, built-in ones first, then CRDs in the order given. */
  List<ResourceType> types() {
    return types;
  }

  ResourceType find(String group, String version, String plural) {
    for (ResourceType type : types()) {
      if (type.group().equals(group)
          && type.version().equals(version)
          && type.plural().equals(plural)) {
        return type;
      }
    }
    return null;
  }

  /** Groups in order of first appearance, each with its versions in order. */
  Map<String, List<String>> groups() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ResourceType type : types()) {
      if (type.group().isEmpty()) {
        continue;
      }
      List<String> versions = groups.computeIfAbsent(type.group(), g -> new ArrayList<>());
      if (!versions.contains(type.version())) {
        versions.add(type.version());
      }
    }
    return groups;
  }

  List<ResourceType> inGroupVersion(String group, String version) {
    return types().stream()
        .filter(t -> t.group().equals(group) && t.version().equals(version))
        .toList();
  }
}
