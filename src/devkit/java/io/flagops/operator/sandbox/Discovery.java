package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The legacy (unaggregated) discovery documents. {@code kubectl} first asks for the aggregated
 * {@code APIGroupDiscoveryList}; an answer with plain {@code application/json} makes it fall back
 * to these.
 */
final class Discovery {
  private final ResourceCatalog catalog;

  Discovery(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  /** {@code /version}. */
  static ObjectNode version() {
    ObjectNode info = Json.object();
    info.put("major", "1");
    info.put("minor", "32");
    info.put("gitVersion", "v1.32.0-flagops-sandbox");
    info.put("gitCommit", "0000000000000000000000000000000000000000");
    info.put("gitTreeState", "clean");
    info.put("buildDate", "2025-01-01T00:00:00Z");
    info.put("goVersion", "go1.23.4");
    info.put("compiler", "gc");
    info.put("platform", "linux/amd64");
    return info;
  }

  /** {@code /api}; the server address is the one the client used. */
  ObjectNode apiVersions(String serverAddress) {
    ObjectNode versions = Json.object();
    versions.put("kind", "APIVersions");
    versions.putArray("versions").add("v1");
    ArrayNode addresses = versions.putArray("serverAddressByClientCIDRs");
    addresses.addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
    return versions;
  }

  /** {@code /apis}. */
  ObjectNode groupList() {
    ObjectNode list = Json.object();
    list.put("kind", "APIGroupList");
    list.put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    for (Map.Entry<String, List<String>> group : catalog.groups().entrySet()) {
      groups.add(group(group.getKey(), group.getValue()));
    }
    return list;
  }

  /** {@code /apis/<group>}, or null when the group is not served. */
  ObjectNode group(String name) {
    List<String> versions = catalog.groups().get(name);
    if (versions == null) {
      return null;
    }
    ObjectNode group = group(name, versions);
    group.put("kind", "APIGroup");
    group.put("apiVersion", "v1");
    return group;
  }

  private static ObjectNode group(String name, List<String> versions) {
    ObjectNode group = Json.object();
    group.put("name", name);
    ArrayNode list = group.putArray("versions");
    for (String version : versions) {
      list.addObject().put("groupVersion", name + "/" + version).put("version", version);
    }
    group
        .putObject("preferredVersion")
        .put("groupVersion", name + "/" + versions.get(0))
        .put("version", versions.get(0));
    return group;
  }

  /** {@code /api/v1} or {@code /apis/<group>/<version>}, or null when not served. */
  ObjectNode resourceList(String group, String version) {
    List<ResourceType> types = catalog.inGroupVersion(group, version);
    if (types.isEmpty()) {
      return null;
    }
    ObjectNode list = Json.object();
    list.put("kind", "APIResourceList");
    list.put("apiVersion", "v1");
    list.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = list.putArray("resources");
    for (ResourceType type : types) {
      ObjectNode resource = resources.addObject();
      resource.put("name", type.plural());
      resource.put("singularName", type.singular());
      resource.put("namespaced", type.namespaced());
      resource.put("kind", type.kind());
      ArrayNode verbs = resource.putArray("verbs");
      ResourceType.VERBS.forEach(verbs::add);
      if (!type.shortNames().isEmpty()) {
        ArrayNode shortNames = resource.putArray("shortNames");
        type.shortNames().forEach(shortNames::add);
      }
      if (!type.categories().isEmpty()) {
        ArrayNode categories = resource.putArray("categories");
        type.categories().forEach(categories::add);
      }
      if (type.statusSubresource()) {
        ObjectNode status = resources.addObject();
        status.put("name", type.plural() + "/status");
        status.put("singularName", "");
        status.put("namespaced", type.namespaced());
        status.put("kind", type.kind());
        status.putArray("verbs").add("get").add("patch").add("update");
      }
    }
    return list;
  }
}
