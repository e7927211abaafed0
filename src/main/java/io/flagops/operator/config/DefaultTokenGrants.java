package io.flagops.operator.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which namespaces may use the operator's default LaunchDarkly token, and for which projects: what
 * a cluster admin wrote in {@code FLAGRELEASE_DEFAULT_TOKEN_GRANTS}, as {@code
 * NAMESPACE=PROJECT[,PROJECT...]} entries separated by {@code ;}, with {@code *} for any namespace
 * or any project. Empty grants nothing: FlagReleases must then name a token Secret of their own.
 */
public final class DefaultTokenGrants {
  public static final String ANY = "*";
  public static final String SETTING = "FLAGRELEASE_DEFAULT_TOKEN_GRANTS";

  // Kubernetes namespace names (RFC 1123 labels) and LaunchDarkly keys, or *
  private static final Pattern NAMESPACE = Pattern.compile("\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern PROJECT = Pattern.compile("\\*|[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Projects by namespace, in the order written; {@link #ANY} as a key or member means any. */
  private final Map<String, Set<String>> projectsByNamespace;

  private DefaultTokenGrants(Map<String, Set<String>> projectsByNamespace) {
    this.projectsByNamespace = projectsByNamespace;
  }

  public static final DefaultTokenGrants NONE = new DefaultTokenGrants(Map.of());

  /**
   * @throws IllegalArgumentException with a sentence naming the entry that is wrong
   */
  public static DefaultTokenGrants parse(String text) {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    Map<String, Set<String>> grants = new LinkedHashMap<>();
    for (String entry : text.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int equals = entry.indexOf('=');
      if (equals < 0) {
        throw invalid(entry, "has no '='; write NAMESPACE=PROJECT[,PROJECT...]");
      }
      String namespace = entry.substring(0, equals).strip();
      if (!NAMESPACE.matcher(namespace).matches()) {
        throw invalid(entry, "'" + namespace + "' is not a namespace name or *");
      }
      Set<String> projects = grants.computeIfAbsent(namespace, n -> new LinkedHashSet<>());
      for (String project : entry.substring(equals + 1).split(",", -1)) {
        String key = project.strip();
        if (!PROJECT.matcher(key).matches()) {
          throw invalid(entry, "'" + key + "' is not a LaunchDarkly project key or *");
        }
        projects.add(key);
      }
    }
    return new DefaultTokenGrants(grants);
  }

  private static IllegalArgumentException invalid(String entry, String why) {
    return new IllegalArgumentException(
        SETTING + ": the grant '" + entry.strip() + "' " + why + " (entries are separated by ;)");
  }

  /** Whether FlagReleases of {@code namespace} may use the default token for {@code project}. */
  public boolean allows(String namespace, String project) {
    return projectsFor(namespace).stream().anyMatch(p -> p.equals(ANY) || p.equals(project));
  }

  /** The projects {@code namespace} may use the default token for ({@link #ANY}: every one). */
  public List<String> projectsFor(String namespace) {
    Set<String> projects = new LinkedHashSet<>();
    Optional.ofNullable(projectsByNamespace.get(namespace)).ifPresent(projects::addAll);
    Optional.ofNullable(projectsByNamespace.get(ANY)).ifPresent(projects::addAll);
    return projects.contains(ANY) ? List.of(ANY) : new ArrayList<>(projects);
  }

  public boolean grantsNothing() {
    return projectsByNamespace.isEmpty();
  }

  @Override
  public String toString() {
    List<String> entries = new ArrayList<>();
    projectsByNamespace.forEach(
        (ns, projects) -> entries.add(ns + "=" + String.join(",", projects)));
    return String.join(";", entries);
  }
}
