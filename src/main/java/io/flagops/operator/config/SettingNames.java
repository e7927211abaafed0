package io.flagops.operator.config;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Names an admin lists in a setting (namespaces, projects), checked without repeating them: a token
 * pasted into the wrong variable is a valid namespace name, and would otherwise be logged at start
 * and shown in every FlagRelease's status message that quotes the setting.
 */
public final class SettingNames {
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  // LaunchDarkly's access tokens, SDK keys and mobile keys: a prefix and a UUID
  private static final Pattern TOKEN =
      Pattern.compile("(?i)(api|sdk|mob)-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");

  private static final String TOKEN_HERE =
      "looks like a LaunchDarkly access token: put the token in its Secret, never in this setting";

  private SettingNames() {}

  /** Why {@code name} is not a namespace name, or null; the name itself is never in it. */
  public static String namespaceProblem(String name) {
    if (looksLikeToken(name)) {
      return TOKEN_HERE;
    }
    if (name.length() > 63 || !NAMESPACE.matcher(name).matches()) {
      return "is not a namespace name (lowercase letters, digits and '-', at most 63)";
    }
    return null;
  }

  /**
   * The first of {@code names} (a comma-separated setting) that is not a namespace name, said by
   * its place in {@code setting}; null when all are.
   */
  public static String listProblem(String setting, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      String problem = namespaceProblem(names.get(i));
      if (problem != null) {
        return setting + " entry " + (i + 1) + " (entries are separated by ,) " + problem;
      }
    }
    return null;
  }

  /**
   * "{@code setting} looks like a LaunchDarkly access token..." when {@code value} holds one (a
   * free-text setting, such as a label selector), else null; the value is never in it.
   */
  public static String tokenProblem(String setting, String value) {
    return value != null && looksLikeToken(value) ? setting + " " + TOKEN_HERE : null;
  }

  /** The names of a comma-separated list, blanks left out. */
  public static List<String> split(String text) {
    return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Why {@code key} is not a LaunchDarkly project key, or null; the key is never in it. */
  static String projectProblem(String key) {
    if (looksLikeToken(key)) {
      return TOKEN_HERE;
    }
    if (!key.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      return "is not a LaunchDarkly project key or *";
    }
    return null;
  }

  static boolean looksLikeToken(String text) {
    return TOKEN.matcher(text).find();
  }
}
