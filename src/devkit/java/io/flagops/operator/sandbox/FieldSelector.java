package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

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
    if (selector != null) {
      for (String term : split(selector)) {
        if (term.isBlank()) {
          continue;
        }
        int notEqual = term.indexOf("!=");
        int doubleEqual = term.indexOf("==");
        int equal = term.indexOf('=');
        String key;
        String value;
        boolean equality;
        if (notEqual >= 0 && notEqual < equal) {
          key = term.substring(0, notEqual);
          value = term.substring(notEqual + 2);
          equality = false;
        } else if (doubleEqual >= 0 && doubleEqual == equal) {
          key = term.substring(0, doubleEqual);
          value = term.substring(doubleEqual + 2);
          equality = true;
        } else if (equal >= 0) {
          key = term.substring(0, equal);
          value = term.substring(equal + 1);
          equality = true;
        } else {
          throw new IllegalArgumentException("invalid field selector term: " + term);
        }
        requirements.add(
            new Requirement(key.trim().split("\\."), equality, unescape(value.trim())));
      }
    }
    return new FieldSelector(List.copyOf(requirements));
  }

  boolean isEmpty() {
    return requirements.isEmpty();
  }

  boolean matches(JsonNode object) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(object)) {
        return false;
      }
    }
    return true;
  }

  private static List<String> split(String selector) {
    List<String> terms = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '\\' && i + 1 < selector.length()) {
        current.append(c).append(selector.charAt(++i));
      } else if (c == ',') {
        terms.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    terms.add(current.toString());
    return terms;
  }

  private static String unescape(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }
}
