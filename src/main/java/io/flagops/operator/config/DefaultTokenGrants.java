package io.flagops.operator.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which namespaces may use the operator's default LaunchDarkly token, and for which projects: what
 * a cluster admin wrote in {@code FLAGRELEASE_DEFAULT_TOKEN_GRANTS}, as {@code
 * NAMESPACE=PROJECT[,PROJECT...]} entries separated by {@code ;}, with {@code *} for any namespace
 * or any project. Empty grants nothing: FlagReleases must then name a token Secret of their own.
 */
public final class DefaultTokenGrants {
  public static final String ANY = "*";
  public static final String SETTING = "FLAGRELEASE_DEFAULT_TOKEN_GRANTS";

  /** Projects by namespace, in the order written; {@link #ANY} as a key or member means any. */
  private final Map<String, Set<String>> projectsByNamespace;

  private DefaultTokenGrants(Map<String, Set<String>> projectsByNamespace) {
    this.projectsByNamespace = projectsByNamespace;
  }

  public static final DefaultTokenGrants NONE = new DefaultTokenGrants(Map.of());

  /**
   * @throws IllegalArgumentException with a sentence naming the entry that is wrong by its place,
   *     never by its text
   */
  public static DefaultTokenGrants parse(String text) {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    Map<String, Set<String>> grants = new LinkedHashMap<>();
    int number = 0;
    for (String entry : text.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      number++;
      int equals = entry.indexOf('=');
      if (equals < 0) {
        throw invalid(number, "has no '='; write NAMESPACE=PROJECT[,PROJECT...]");
      }
      String namespace = entry.substring(0, equals).strip();
      String namespaceProblem =
          namespace.equals(ANY) ? null : SettingNames.namespaceProblem(namespace);
      if (namespaceProblem != null) {
        throw invalid(number, "names a namespace that " + namespaceProblem);
      }
      Set<String> projects = grants.computeIfAbsent(namespace, n -> new LinkedHashSet<>());
      String[] keys = entry.substring(equals + 1).split(",", -1);
      for (int i = 0; i < keys.length; i++) {
        String key = keys[i].strip();
        String problem = key.equals(ANY) ? null : SettingNames.projectProblem(key);
        if (problem != null) {
          throw invalid(number, "has a project (number " + (i + 1) + " after '=') that " + problem);
        }
        projects.add(key);
      }
    }
    return new DefaultTokenGrants(grants);
  }

  private static IllegalArgumentException invalid(int entry, String why) {
    return new IllegalArgumentException(
        SETTING + " entry " + entry + " (entries are separated by ;) " + why);
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
