package io.flagops.operator.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

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

  /** Parses a raw (still percent-encoded) path; null when it is not a resource path. */
  static ResourcePath parse(String rawPath) {
    String[] all = rawPath.replaceAll("^/+|/+$", "").split("/");
    String group;
    String version;
    int start;
    if (all.length >= 3 && all[0].equals("api")) {
      group = "";
      version = all[1];
      start = 2;
    } else if (all.length >= 4 && all[0].equals("apis")) {
      group = decode(all[1]);
      version = all[2];
      start = 3;
    } else {
      return null;
    }
    String[] rest = Arrays.copyOfRange(all, start, all.length);
    for (int i = 0; i < rest.length; i++) {
      rest[i] = decode(rest[i]);
      if (rest[i].isEmpty()) {
        return null;
      }
    }
    boolean watch = false;
    if (rest.length > 0 && rest[0].equals("watch")) {
      watch = true;
      rest = Arrays.copyOfRange(rest, 1, rest.length);
    }
    String namespace = null;
    boolean namespaceObject =
        rest.length == 3
            && rest[0].equals("namespaces")
            && group.isEmpty()
            && NAMESPACE_SUBRESOURCES.contains(rest[2]);
    if (rest.length >= 3 && rest[0].equals("namespaces") && !namespaceObject) {
      namespace = rest[1];
      rest = Arrays.copyOfRange(rest, 2, rest.length);
    }
    if (rest.length < 1 || rest.length > 3) {
      return null;
    }
    return new ResourcePath(
        group,
        version,
        namespace,
        rest[0],
        rest.length > 1 ? rest[1] : null,
        rest.length > 2 ? rest[2] : null,
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
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
