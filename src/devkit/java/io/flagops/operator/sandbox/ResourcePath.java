package io.flagops.operator.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A REST path of the Kubernetes API, split into its parts: {@code
 * /apis/<group>/<version>[/watch][/namespaces/<ns>]/<plural>[/<name>[/<subresource>]]} (or {@code
 * /api/v1/...} for the core group).
 *
 * @param namespace null for cluster-scoped paths and lists across all namespaces
 * @param name null for collections
 * @param subresource null, or {@code status}, ...
 * @param watchPrefix whether the path used the old {@code /watch/} form
 */
record ResourcePath(
    String group,
    String version,
    String namespace,
    String plural,
    String name,
    String subresource,
    boolean watchPrefix) {

  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
  private static final Pattern PATH =
      Pattern.compile(
          "/+(?:api|apis/(?<group>[^/]+))/(?<version>[^/]+)(?<watch>/watch)?"
              + "(?:/namespaces/(?<namespace>[^/]+)(?=/[^/]+))?"
              + "/(?<plural>[^/]+)(?:/(?<name>[^/]+))?(?:/(?<subresource>[^/]+))?/*");

  /** Parses a raw (still percent-encoded) path; null when it is not a resource path. */
  static ResourcePath parse(String rawPath) {
    Matcher path = PATH.matcher(rawPath);
    if (!path.matches()) {
      return null;
    }
    String group = path.group("group") == null ? "" : decode(path.group("group"));
    String namespace = decode(path.group("namespace"));
    String plural = decode(path.group("plural"));
    String name = decode(path.group("name"));
    boolean watch = path.group("watch") != null;
    if (group.isEmpty()
        && namespace != null
        && name == null
        && NAMESPACE_SUBRESOURCES.contains(plural)) {
      // /api/v1/namespaces/<ns>/status: a subresource of the Namespace object
      return new ResourcePath(
          "", path.group("version"), null, "namespaces", namespace, plural, watch);
    }
    return new ResourcePath(
        group,
        path.group("version"),
        namespace,
        plural,
        name,
        decode(path.group("subresource")),
        watch);
  }

  boolean isCollection() {
    return name == null;
  }

  /** The path of the collection, in the given namespace (null: all namespaces / cluster). */
  String collectionPath() {
    StringBuilder path = new StringBuilder(group.isEmpty() ? "/api/" : "/apis/" + group + "/");
    path.append(version);
    if (namespace != null) {
      path.append("/namespaces/").append(namespace);
    }
    return path.append('/').append(plural).toString();
  }

  /** The path of the object itself (no subresource, no watch prefix). */
  String objectPath() {
    return collectionPath() + "/" + name;
  }

  /** The path as it should be sent to the mock: no {@code /watch/} prefix. */
  String upstreamPath() {
    String path = name == null ? collectionPath() : objectPath();
    return subresource == null ? path : path + "/" + subresource;
  }

  private static String decode(String segment) {
    return segment == null
        ? null
        : URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
