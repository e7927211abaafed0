package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The kinds the gateway serves: the built-in ones, the CRDs it was started with and the CRDs found
 * in the mock server (re-read at most once a second, so that {@code kubectl apply -f crd.yaml}
 * makes a new kind appear).
 */
final class ResourceCatalog {
  private static final Logger LOG = Logger.getLogger(ResourceCatalog.class);
  private static final long REFRESH_NANOS = 1_000_000_000L;

  private final List<ResourceType> fixed;
  private final Supplier<List<JsonNode>> crdSource;
  private volatile List<ResourceType> types;
  private volatile long refreshedAt;

  /**
   * @param crds the CRDs given at start (JSON form)
   * @param crdSource reads the CRDs currently stored in the mock; may throw
   */
  ResourceCatalog(List<JsonNode> crds, Supplier<List<JsonNode>> crdSource) {
    List<ResourceType> base = new ArrayList<>(BuiltinTypes.all());
    for (JsonNode crd : crds) {
      base.addAll(ResourceType.fromCrd(crd));
    }
    this.fixed = List.copyOf(base);
    this.crdSource = crdSource;
    this.types = fixed;
  }

  /** Every served type, built-in ones first, then CRDs in the order given. */
  List<ResourceType> types() {
    long now = System.nanoTime();
    if (crdSource != null && now - refreshedAt > REFRESH_NANOS) {
      refresh(now);
    }
    return types;
  }

  private synchronized void refresh(long now) {
    if (now - refreshedAt <= REFRESH_NANOS) {
      return;
    }
    refreshedAt = now;
    Map<String, ResourceType> byKey = new LinkedHashMap<>();
    fixed.forEach(t -> byKey.put(key(t.group(), t.version(), t.plural()), t));
    try {
      for (JsonNode crd : crdSource.get()) {
        for (ResourceType type : ResourceType.fromCrd(crd)) {
          byKey.putIfAbsent(key(type.group(), type.version(), type.plural()), type);
        }
      }
    } catch (RuntimeException e) {
      LOG.debugf("Could not read the CRDs of the mock server: %s", e.getMessage());
    }
    types = List.copyOf(byKey.values());
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

  private static String key(String group, String version, String plural) {
    return group + "/" + version + "/" + plural;
  }
}
