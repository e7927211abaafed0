package io.flagops.operator.sandbox;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fabric8's CRUD mock API with an index by name. The mock finds an object by scanning every stored
 * one, so with 10,000 FlagReleases and their Events each finalizer, status patch and Event cost
 * tens of thousands of comparisons, and the benchmark measured the mock, not the operator. Here a
 * lookup by resource, namespace and name goes straight to its candidates; everything else (lists,
 * watches, deletes, labels) is still the mock's own code.
 */
public final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private final IndexedMap stored = new IndexedMap();

  public IndexedCrudDispatcher() {
    // the mock's store is a final LinkedHashMap it fills itself: put one in that keeps the index
    try {
      Field map = CrudDispatcher.class.getDeclaredField("map");
      map.setAccessible(true);
      map.set(this, stored);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this version of Fabric8's mock API has no store to index", e);
    }
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    if (IndexedMap.namesNoOne(query)) {
      return null; // a create with generateName: its name is made after this check
    }
    String key = IndexedMap.identity(query);
    if (key == null || stored.unindexed > 0) {
      return super.findResource(query); // a query by other attributes: the mock's own scan
    }
    for (AttributeSet candidate : stored.byIdentity.getOrDefault(key, Set.of())) {
      String value = stored.get(candidate);
      if (value != null && candidate.matches(query)) {
        return new AbstractMap.SimpleImmutableEntry<>(candidate, value);
      }
    }
    return null;
  }

  @Override
  public MockResponse handleGet(String path) {
    AttributeSet query = attributeExtractor.fromPath(path);
    Map.Entry<AttributeSet, String> found =
        query.containsKey(KubernetesAttributesExtractor.NAME) && !path.contains("watch=")
            ? findResource(query)
            : null;
    return found == null
        ? super.handleGet(path)
        : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(found.getValue());
  }

  /** The mock's store, with every stored object also filed under its resource, namespace, name. */
  private static final class IndexedMap extends LinkedHashMap<AttributeSet, String> {
    /** The mock's value that matches any other. */
    private static final String WILDCARD = "*";

    final Map<String, Set<AttributeSet>> byIdentity = new ConcurrentHashMap<>();

    /** Stored objects without a resource or name: while there are any, lookups scan. */
    volatile int unindexed;

    @Override
    public String put(AttributeSet key, String value) {
      if (!containsKey(key)) {
        String identity = identity(key);
        if (identity == null) {
          unindexed++;
        } else {
          byIdentity.computeIfAbsent(identity, k -> ConcurrentHashMap.newKeySet()).add(key);
        }
      }
      return super.put(key, value);
    }

    @Override
    public String remove(Object key) {
      if (key instanceof AttributeSet attributes && containsKey(attributes)) {
        String identity = identity(attributes);
        if (identity == null) {
          unindexed--;
        } else {
          byIdentity.computeIfPresent(
              identity, (k, set) -> set.remove(attributes) && set.isEmpty() ? null : set);
        }
      }
      return super.remove(key);
    }

    @Override
    public void clear() {
      byIdentity.clear();
      unindexed = 0;
      super.clear();
    }

    /** A query for the name null: what a create with only generateName asks before it stores. */
    static boolean namesNoOne(AttributeSet query) {
      Attribute name = query.getAttribute(KubernetesAttributesExtractor.NAME);
      return name != null
          && name.getValues().size() == 1
          && name.getValues().get(0).toString() == null;
    }

    static String identity(AttributeSet attributes) {
      String plural = value(attributes, KubernetesAttributesExtractor.PLURAL);
      String name = value(attributes, KubernetesAttributesExtractor.NAME);
      if (plural == null || name == null || WILDCARD.equals(name)) {
        return null;
      }
      String namespace = value(attributes, KubernetesAttributesExtractor.NAMESPACE);
      if (WILDCARD.equals(namespace) || WILDCARD.equals(plural)) {
        return null;
      }
      return plural + "/" + (namespace == null ? "" : namespace) + "/" + name;
    }

    private static String value(AttributeSet attributes, String key) {
      Attribute attribute = attributes.getAttribute(key);
      return attribute == null || attribute.getValues().size() != 1
          ? null
          : attribute.getValues().get(0).toString();
    }
  }
}
