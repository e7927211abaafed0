package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A field selector ({@code involvedObject.name=x,type!=Normal}) evaluated on the gateway, because
 * the mock matches only {@code metadata.name} and {@code metadata.namespace}. A field is a dotted
 * path into the object; a missing field reads as "".
 */
final class FieldSelector {
  private record Requirement(String[] path, boolean equal, String value) {
    boolean matches(JsonNode object) {
      JsonNode node = object;
      for (String field : path) {
        node = node == null ? null : node.get(field);
      }
      String actual = node == null || node.isNull() || node.isContainerNode() ? "" : node.asText();
      return equal == actual.equals(value);
    }
  }

  private static final Pattern UNESCAPED_COMMA = Pattern.compile("(?<!\\\\),");
  private static final Pattern TERM = Pattern.compile("([^!=]+)(!=|==|=)(.*)");
  private static final Pattern ESCAPE = Pattern.compile("\\\\(.)");

  private final List<Requirement> requirements;

  private FieldSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /** The name a {@code metadata.name=...} term asks for, if there is one. */
  java.util.Optional<String> name() {
    return requirements.stream()
        .filter(r -> r.equal() && String.join(".", r.path()).equals("metadata.name"))
        .map(Requirement::value)
        .findFirst();
  }

  /** Parses {@code a=b}, {@code a==b}, {@code a!=b} terms joined by commas ({@code \,} escapes). */
  static FieldSelector parse(String selector) {
    List<Requirement> requirements = new ArrayList<>();
    for (String term : selector == null ? new String[0] : UNESCAPED_COMMA.split(selector)) {
      Matcher parts = TERM.matcher(term);
      if (term.isBlank()) {
        continue;
      } else if (!parts.matches()) {
        throw new IllegalArgumentException("invalid field selector term: " + term);
      }
      requirements.add(
          new Requirement(
              parts.group(1).trim().split("\\."),
              !parts.group(2).equals("!="),
              ESCAPE.matcher(parts.group(3).trim()).replaceAll("$1")));
    }
    return new FieldSelector(List.copyOf(requirements));
  }

  boolean isEmpty() {
    return requirements.isEmpty();
  }

  boolean matches(JsonNode object) {
    return requirements.stream().allMatch(r -> r.matches(object));
  }
}
