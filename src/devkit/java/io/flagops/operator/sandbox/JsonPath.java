package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONPath of printer columns, as Kubernetes writes it ({@code .status.state}, {@code
 * {.a[?(@.type=="Ready")].b}}, {@code .labels.app\.kubernetes\.io/name}), evaluated by the Jayway
 * JsonPath library once turned into its syntax. Evaluation returns every match in order; a path
 * that does not apply gives no match rather than an error.
 */
final class JsonPath {
  private static final Configuration MATCHES =
      Configuration.builder()
          .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
          .mappingProvider(new JacksonMappingProvider(Json.MAPPER))
          .options(Option.ALWAYS_RETURN_LIST, Option.SUPPRESS_EXCEPTIONS)
          .build();

  private final String source;
  private final com.jayway.jsonpath.JsonPath path;

  private JsonPath(String source, com.jayway.jsonpath.JsonPath path) {
    this.source = source;
    this.path = path;
  }

  /** Parses a path; {@link IllegalArgumentException} saying why when it is malformed. */
  static JsonPath compile(String path) {
    String text = path.trim();
    if (text.startsWith("{") && text.endsWith("}")) {
      text = text.substring(1, text.length() - 1).trim();
    }
    if (text.startsWith("$")) {
      text = text.substring(1);
    }
    try {
      return new JsonPath(path, com.jayway.jsonpath.JsonPath.compile("$" + escapedFields(text)));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("invalid JSONPath " + path + ": " + e.getMessage(), e);
    }
  }

  /** Every node the path reaches from {@code root}. */
  List<JsonNode> evaluate(JsonNode root) {
    if (root == null) {
      return List.of();
    }
    List<JsonNode> matches = new ArrayList<>();
    JsonNode found = com.jayway.jsonpath.JsonPath.using(MATCHES).parse(root).read(path);
    if (found != null) {
      found.forEach(matches::add);
    }
    return matches;
  }

  /** The first match, or null. */
  JsonNode first(JsonNode root) {
    List<JsonNode> results = evaluate(root);
    return results.isEmpty() ? null : results.get(0);
  }

  @Override
  public String toString() {
    return source;
  }

  /**
   * Kubernetes escapes a dot inside a field name ({@code app\.kubernetes\.io}); the library reads
   * such a name in brackets. Brackets (indexes, filters) are copied as they are.
   */
  private static String escapedFields(String path) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '[') {
        int end = path.indexOf(']', i);
        end = end < 0 ? path.length() : end + 1;
        out.append(path, i, end);
        i = end;
      } else if (c == '.' && i + 1 < path.length() && path.charAt(i + 1) != '.') {
        StringBuilder name = new StringBuilder();
        boolean escaped = false;
        i++;
        while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
          if (path.charAt(i) == '\\' && i + 1 < path.length()) {
            escaped = true;
            i++;
          }
          name.append(path.charAt(i++));
        }
        out.append(escaped ? "['" + name + "']" : "." + name);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
