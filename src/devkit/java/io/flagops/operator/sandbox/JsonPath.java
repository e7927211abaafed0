package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSONPath of printer columns, as Kubernetes reads it: {@code .a.b}, {@code ['a.b']}, {@code
 * [0]}, {@code [-1]}, {@code [1:3]}, {@code [*]}, {@code .*}, {@code ..name} and filters such as
 * {@code [?(@.type=="Ready")]} (with {@code == != < <= > >=}, or a bare {@code @.path} for
 * existence). Surrounding braces and a leading {@code $} are accepted. Evaluation returns every
 * match in order; a path that does not apply gives no match rather than an error.
 */
final class JsonPath {
  private final List<Step> steps;
  private final String source;

  private JsonPath(String source, List<Step> steps) {
    this.source = source;
    this.steps = steps;
  }

  /** Parses a path; {@link IllegalArgumentException} with the position when it is malformed. */
  static JsonPath compile(String path) {
    String text = path.trim();
    if (text.startsWith("{") && text.endsWith("}")) {
      text = text.substring(1, text.length() - 1).trim();
    }
    if (text.startsWith("$")) {
      text = text.substring(1);
    }
    return new JsonPath(path, new Parser(text).steps());
  }

  /** Every node the path reaches from {@code root}. */
  List<JsonNode> evaluate(JsonNode root) {
    List<JsonNode> current = new ArrayList<>();
    if (root != null) {
      current.add(root);
    }
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        step.apply(node, next);
      }
      current = next;
    }
    return current;
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

  private interface Step {
    void apply(JsonNode node, List<JsonNode> out);
  }

  private record Field(String name) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> out) {
      if (node.isObject() && node.has(name)) {
        out.add(node.get(name));
      }
    }
  }

  private record Wildcard() implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> out) {
      if (node.isContainerNode()) {
        node.elements().forEachRemaining(out::add);
      }
    }
  }

  private record Recursive(String name) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> out) {
      if (node.isObject()) {
        if (name == null) {
          out.add(node);
        } else if (node.has(name)) {
          out.add(node.get(name));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          apply(it.next().getValue(), out);
        }
      } else if (node.isArray()) {
        if (name == null) {
          out.add(node);
        }
        for (JsonNode element : node) {
          apply(element, out);
        }
      }
    }
  }

  private record Slice(Integer start, Integer end, boolean single) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> out) {
      if (!node.isArray()) {
        return;
      }
      int size = node.size();
      if (single) {
        int index = start < 0 ? size + start : start;
        if (index >= 0 && index < size) {
          out.add(node.get(index));
        }
        return;
      }
      int from =
          start == null ? 0 : (start < 0 ? Math.max(0, size + start) : Math.min(start, size));
      int to = end == null ? size : (end < 0 ? Math.max(0, size + end) : Math.min(end, size));
      for (int i = from; i < to; i++) {
        out.add(node.get(i));
      }
    }
  }

  private record Filter(JsonPath left, String operator, JsonNode literal) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> out) {
      if (node.isArray()) {
        for (JsonNode element : node) {
          if (matches(element)) {
            out.add(element);
          }
        }
      } else if (node.isObject() && matches(node)) {
        out.add(node);
      }
    }

    private boolean matches(JsonNode element) {
      List<JsonNode> values = left.evaluate(element);
      if (operator == null) {
        return !values.isEmpty();
      }
      for (JsonNode value : values) {
        if (compare(value)) {
          return true;
        }
      }
      return false;
    }

    private boolean compare(JsonNode value) {
      if (literal.isNumber() && value.isNumber()) {
        return holds(Double.compare(value.asDouble(), literal.asDouble()));
      }
      if (value.isContainerNode()) {
        return "!=".equals(operator);
      }
      String a = value.asText();
      String b = literal.asText();
      return holds(a.compareTo(b));
    }

    /** Whether the operator holds for a comparison result {@code c} (value against literal). */
    private boolean holds(int c) {
      return switch (operator) {
        case "==" -> c == 0;
        case "!=" -> c != 0;
        case "<" -> c < 0;
        case "<=" -> c <= 0;
        case ">" -> c > 0;
        default -> c >= 0;
      };
    }
  }

  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    List<Step> steps() {
      List<Step> steps = new ArrayList<>();
      if (!text.isEmpty() && text.charAt(0) != '.' && text.charAt(0) != '[') {
        steps.add(new Field(name()));
      }
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '.') {
          pos++;
          if (peek('.')) {
            pos++;
            if (peek('*')) {
              pos++;
              steps.add(new Recursive(null));
            } else {
              steps.add(new Recursive(name()));
            }
          } else if (peek('*')) {
            pos++;
            steps.add(new Wildcard());
          } else if (peek('[')) {
            continue;
          } else if (pos >= text.length()) {
            break; // "." alone: the node itself
          } else {
            steps.add(new Field(name()));
          }
        } else if (c == '[') {
          steps.add(bracket());
        } else {
          throw error("unexpected '" + c + "'");
        }
      }
      return steps;
    }

    private Step bracket() {
      pos++; // [
      skipSpaces();
      Step step;
      if (peek('?')) {
        step = filter();
      } else if (peek('*')) {
        pos++;
        step = new Wildcard();
      } else if (peek('\'') || peek('"')) {
        step = new Field(quoted());
      } else {
        step = slice();
      }
      skipSpaces();
      expect(']');
      return step;
    }

    private Step slice() {
      int close = text.indexOf(']', pos);
      if (close < 0) {
        throw error("missing ']'");
      }
      String inside = text.substring(pos, close).trim();
      pos = close;
      try {
        if (!inside.contains(":")) {
          return new Slice(Integer.parseInt(inside), null, true);
        }
        String[] parts = inside.split(":", -1);
        Integer start = parts[0].isBlank() ? null : Integer.parseInt(parts[0].trim());
        Integer end = parts[1].isBlank() ? null : Integer.parseInt(parts[1].trim());
        return new Slice(start, end, false);
      } catch (NumberFormatException e) {
        throw error("bad index '" + inside + "'");
      }
    }

    private Step filter() {
      pos++; // ?
      skipSpaces();
      expect('(');
      skipSpaces();
      expect('@');
      int start = pos;
      while (pos < text.length() && !isOperatorStart(text.charAt(pos)) && text.charAt(pos) != ')') {
        if (text.charAt(pos) == '\'' || text.charAt(pos) == '"') {
          quoted();
        } else {
          pos++;
        }
      }
      JsonPath left = new JsonPath("@" + text.substring(start, pos), subPath(start, pos));
      skipSpaces();
      String operator = null;
      JsonNode literal = null;
      if (!peek(')')) {
        operator = operator();
        skipSpaces();
        literal = literal();
        skipSpaces();
      }
      expect(')');
      return new Filter(left, operator, literal);
    }

    private List<Step> subPath(int start, int end) {
      return new Parser(text.substring(start, end).trim()).steps();
    }

    private static boolean isOperatorStart(char c) {
      return c == '=' || c == '!' || c == '<' || c == '>' || c == ' ';
    }

    private String operator() {
      for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
        if (text.startsWith(op, pos)) {
          pos += op.length();
          return op;
        }
      }
      throw error("expected a comparison operator");
    }

    private JsonNode literal() {
      if (peek('\'') || peek('"')) {
        return Json.NODES.textNode(quoted());
      }
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != ')' && text.charAt(pos) != ' ') {
        pos++;
      }
      String word = text.substring(start, pos);
      if (word.equals("true") || word.equals("false")) {
        return Json.NODES.booleanNode(Boolean.parseBoolean(word));
      }
      try {
        return Json.NODES.numberNode(new java.math.BigDecimal(word));
      } catch (NumberFormatException e) {
        throw error("bad literal '" + word + "'");
      }
    }

    private String quoted() {
      char quote = text.charAt(pos++);
      StringBuilder out = new StringBuilder();
      while (pos < text.length() && text.charAt(pos) != quote) {
        char c = text.charAt(pos++);
        if (c == '\\' && pos < text.length()) {
          c = text.charAt(pos++);
        }
        out.append(c);
      }
      expect(quote);
      return out.toString();
    }

    private String name() {
      StringBuilder out = new StringBuilder();
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '\\' && pos + 1 < text.length()) {
          out.append(text.charAt(pos + 1));
          pos += 2;
          continue;
        }
        if (c == '.' || c == '[') {
          break;
        }
        out.append(c);
        pos++;
      }
      if (out.length() == 0) {
        throw error("expected a field name");
      }
      return out.toString();
    }

    private boolean peek(char c) {
      return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private void skipSpaces() {
      while (pos < text.length() && text.charAt(pos) == ' ') {
        pos++;
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(
          "invalid JSONPath \"" + text + "\" at " + pos + ": " + what);
    }
  }
}
