package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What the API server does with a custom resource before storing it, from the CRD's structural
 * schema: finds unknown fields (for {@code fieldValidation}), prunes them, applies defaults and
 * checks values (type, enum, required, pattern, lengths, bounds, item counts). Of the CEL rules
 * ({@code x-kubernetes-validations}) it understands the two common shapes {@code self == oldSelf}
 * (immutability) and {@code self.all(x, self.exists_one(y, y.f == x.f))} (unique field); others are
 * not checked.
 */
final class SchemaValidator {
  private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");
  private static final Pattern UNIQUE_RULE =
      Pattern.compile(
          "^\\s*self\\.all\\(\\s*(\\w+)\\s*,\\s*self\\.exists_one\\(\\s*(\\w+)\\s*,\\s*"
              + "(\\w+)\\.(\\w+)\\s*==\\s*(\\w+)\\.(\\w+)\\s*\\)\\s*\\)\\s*$");
  private static final Pattern IMMUTABLE_RULE = Pattern.compile("^\\s*self\\s*==\\s*oldSelf\\s*$");

  /** Compiled schema patterns; empty for a pattern Java cannot read. */
  private static final Map<String, Optional<Pattern>> PATTERNS = new ConcurrentHashMap<>();

  /** One thing wrong with a field, as the API server words it. */
  record Problem(String field, String causeType, String detail) {
    String render() {
      return field + ": " + detail;
    }
  }

  /**
   * @param object the object as it should be stored: pruned and defaulted
   * @param unknownFields paths such as {@code spec.foo}
   * @param problems value errors (an answer 422)
   */
  record Result(JsonNode object, List<String> unknownFields, List<Problem> problems) {}

  private SchemaValidator() {}

  /**
   * Checks {@code object} (not modified) against the schema; {@code old} is the stored object on
   * updates (null on create), for transition rules.
   */
  static Result check(JsonNode schema, JsonNode object, JsonNode old) {
    JsonNode copy = object.deepCopy();
    List<String> unknown = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    if (copy.isObject()) {
      ObjectNode root = (ObjectNode) copy;
      pruneAndDefault(schema, root, "", unknown, true);
      checkMetadata(root, problems);
      validate(schema, root, old, "", problems, true);
    }
    return new Result(copy, unknown, problems);
  }

  private static void checkMetadata(ObjectNode root, List<Problem> problems) {
    JsonNode metadata = root.path("metadata");
    if (metadata.path("name").asText("").isEmpty()
        && metadata.path("generateName").asText("").isEmpty()) {
      problems.add(
          new Problem(
              "metadata.name",
              "FieldValueRequired",
              "Required value: name or generateName is required"));
    }
  }

  private static void pruneAndDefault(
      JsonNode schema, JsonNode node, String path, List<String> unknown, boolean root) {
    if (schema == null || node == null) {
      return;
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      JsonNode properties = schema.get("properties");
      JsonNode additional = schema.get("additionalProperties");
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      if (properties != null && properties.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> property = it.next();
          JsonNode defaultValue = property.getValue().get("default");
          if (!object.has(property.getKey()) && defaultValue != null) {
            object.set(property.getKey(), defaultValue.deepCopy());
          }
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String name = field.getKey();
        String childPath = join(path, name);
        if (root && ROOT_FIELDS.contains(name)) {
          continue;
        }
        JsonNode childSchema = childSchema(properties, additional, name);
        if (childSchema == null) {
          boolean allowed =
              preserve || (additional != null && additional.isBoolean() && additional.asBoolean());
          if (!allowed) {
            unknown.add(childPath);
            it.remove();
          }
          continue;
        }
        pruneAndDefault(childSchema, field.getValue(), childPath, unknown, false);
      }
    } else if (node.isArray()) {
      JsonNode items = schema.get("items");
      for (int i = 0; i < node.size(); i++) {
        pruneAndDefault(items, node.get(i), path + "[" + i + "]", unknown, false);
      }
    }
  }

  private static void validate(
      JsonNode schema, JsonNode node, JsonNode old, String path, List<Problem> out, boolean root) {
    if (schema == null || node == null) {
      return;
    }
    if (node.isNull()) {
      if (!schema.path("nullable").asBoolean(false) && schema.has("type")) {
        out.add(typeProblem(path, node, schema.path("type").asText()));
      }
      return;
    }
    String type = schema.path("type").asText("");
    if (!type.isEmpty() && !hasType(node, type, schema)) {
      out.add(typeProblem(path, node, type));
      return;
    }
    checkEnum(schema, node, path, out);
    if (node.isTextual()) {
      checkString(schema, node.asText(), path, out);
    } else if (node.isNumber()) {
      checkNumber(schema, node, path, out);
    } else if (node.isArray()) {
      checkArray(schema, (ArrayNode) node, old, path, out);
    } else if (node.isObject()) {
      checkObject(schema, (ObjectNode) node, old, path, out, root);
    }
    checkRules(schema, node, old, path, out);
  }

  private static void checkObject(
      JsonNode schema,
      ObjectNode node,
      JsonNode old,
      String path,
      List<Problem> out,
      boolean root) {
    JsonNode properties = schema.path("properties");
    for (JsonNode required : schema.path("required")) {
      if (!node.has(required.asText())) {
        out.add(new Problem(join(path, required.asText()), "FieldValueRequired", "Required value"));
      }
    }
    JsonNode additional = schema.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (root && ROOT_FIELDS.contains(field.getKey())) {
        continue;
      }
      JsonNode childSchema = childSchema(properties, additional, field.getKey());
      JsonNode oldChild = old == null ? null : old.get(field.getKey());
      validate(childSchema, field.getValue(), oldChild, join(path, field.getKey()), out, false);
    }
  }

  private static void checkArray(
      JsonNode schema, ArrayNode node, JsonNode old, String path, List<Problem> out) {
    if (schema.has("maxItems") && node.size() > schema.get("maxItems").asInt()) {
      out.add(
          new Problem(
              path,
              "FieldValueTooMany",
              "Too many: "
                  + node.size()
                  + ": must have at most "
                  + schema.get("maxItems").asInt()
                  + " items"));
    }
    if (schema.has("minItems") && node.size() < schema.get("minItems").asInt()) {
      out.add(
          bodyInvalid(
              path,
              String.valueOf(node.size()),
              "should have at least " + schema.get("minItems").asInt() + " items"));
    }
    JsonNode items = schema.get("items");
    for (int i = 0; i < node.size(); i++) {
      JsonNode oldItem = old != null && old.isArray() && i < old.size() ? old.get(i) : null;
      validate(items, node.get(i), oldItem, path + "[" + i + "]", out, false);
    }
  }

  private static void checkString(JsonNode schema, String value, String path, List<Problem> out) {
    int length = value.codePointCount(0, value.length());
    if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
      out.add(
          new Problem(
              path,
              "FieldValueTooLong",
              "Too long: may not be more than " + schema.get("maxLength").asInt() + " bytes"));
    }
    if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
      out.add(
          bodyInvalid(
              path,
              quote(value),
              "should be at least " + schema.get("minLength").asInt() + " chars long"));
    }
    if (schema.has("pattern")) {
      String pattern = schema.get("pattern").asText();
      // a pattern Java cannot read is not checked
      Optional<Pattern> compiled = PATTERNS.computeIfAbsent(pattern, SchemaValidator::compile);
      if (compiled.isPresent() && !compiled.get().matcher(value).find()) {
        out.add(bodyInvalid(path, quote(value), "should match '" + pattern + "'"));
      }
    }
  }

  private static Optional<Pattern> compile(String pattern) {
    try {
      return Optional.of(Pattern.compile(pattern));
    } catch (PatternSyntaxException e) {
      return Optional.empty();
    }
  }

  private static void checkNumber(JsonNode schema, JsonNode value, String path, List<Problem> out) {
    checkBound(schema, value, path, true, out);
    checkBound(schema, value, path, false, out);
  }

  /** {@code maximum} (upper) or {@code minimum}, each with its {@code exclusive...} flag. */
  private static void checkBound(
      JsonNode schema, JsonNode value, String path, boolean upper, List<Problem> out) {
    String key = upper ? "maximum" : "minimum";
    if (!schema.has(key)) {
      return;
    }
    double number = value.asDouble();
    double bound = schema.get(key).asDouble();
    boolean exclusive =
        schema.path(upper ? "exclusiveMaximum" : "exclusiveMinimum").asBoolean(false);
    boolean violated =
        upper
            ? (exclusive ? number >= bound : number > bound)
            : (exclusive ? number <= bound : number < bound);
    if (violated) {
      out.add(
          bodyInvalid(
              path,
              String.valueOf(value),
              "should be "
                  + (upper ? "less" : "greater")
                  + " than "
                  + (exclusive ? "" : "or equal to ")
                  + plain(schema.get(key))));
    }
  }

  private static void checkEnum(JsonNode schema, JsonNode node, String path, List<Problem> out) {
    JsonNode values = schema.get("enum");
    if (values == null || !values.isArray()) {
      return;
    }
    for (JsonNode allowed : values) {
      if (allowed.equals(node)
          || (allowed.isNumber() && node.isNumber() && allowed.asDouble() == node.asDouble())) {
        return;
      }
    }
    StringBuilder supported = new StringBuilder();
    for (JsonNode allowed : values) {
      supported.append(supported.length() == 0 ? "" : ", ").append(render(allowed));
    }
    out.add(
        new Problem(
            path,
            "FieldValueNotSupported",
            "Unsupported value: " + render(node) + ": supported values: " + supported));
  }

  private static void checkRules(
      JsonNode schema, JsonNode node, JsonNode old, String path, List<Problem> out) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText("");
      String message = rule.path("message").asText("failed rule: " + expression);
      if (IMMUTABLE_RULE.matcher(expression).matches()) {
        if (old != null && !old.isNull() && !old.equals(node)) {
          out.add(
              new Problem(
                  path,
                  "FieldValueInvalid",
                  "Invalid value: " + quote(typeName(node)) + ": " + message));
        }
        continue;
      }
      Matcher unique = UNIQUE_RULE.matcher(expression);
      if (unique.matches() && node.isArray()) {
        String outer = unique.group(1);
        String inner = unique.group(2);
        boolean shape =
            unique.group(3).equals(inner)
                && unique.group(5).equals(outer)
                && unique.group(4).equals(unique.group(6));
        if (shape && !unique(node, unique.group(4))) {
          out.add(new Problem(path, "FieldValueInvalid", "Invalid value: \"array\": " + message));
        }
      }
    }
  }

  private static boolean unique(JsonNode array, String field) {
    Set<JsonNode> seen = new HashSet<>();
    for (JsonNode element : array) {
      JsonNode value = element.get(field);
      if (value != null && !seen.add(value)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasType(JsonNode node, String type, JsonNode schema) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return node.isIntegralNumber() || node.isTextual();
    }
    return switch (type) {
      case "object" -> node.isObject();
      case "array" -> node.isArray();
      case "string" -> node.isTextual();
      case "integer" ->
          node.isIntegralNumber()
              || (node.isNumber() && node.asDouble() == Math.rint(node.asDouble()));
      case "number" -> node.isNumber();
      case "boolean" -> node.isBoolean();
      default -> true;
    };
  }

  /** {@code Invalid value: <shown>: <path> in body <rule>}, a FieldValueInvalid cause. */
  private static Problem bodyInvalid(String path, String shown, String rule) {
    return new Problem(
        path, "FieldValueInvalid", "Invalid value: " + shown + ": " + path + " in body " + rule);
  }

  private static Problem typeProblem(String path, JsonNode node, String type) {
    String actual = typeName(node);
    return new Problem(
        path,
        "FieldValueTypeInvalid",
        "Invalid value: "
            + quote(actual)
            + ": "
            + path
            + " in body must be of type "
            + type
            + ": "
            + quote(actual));
  }

  private static String typeName(JsonNode node) {
    if (node.isObject()) {
      return "object";
    }
    if (node.isArray()) {
      return "array";
    }
    if (node.isTextual()) {
      return "string";
    }
    if (node.isIntegralNumber()) {
      return "integer";
    }
    if (node.isNumber()) {
      return "number";
    }
    if (node.isBoolean()) {
      return "boolean";
    }
    return "null";
  }

  private static String render(JsonNode value) {
    return value.isTextual() ? quote(value.asText()) : value.toString();
  }

  private static String plain(JsonNode number) {
    double value = number.asDouble();
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }

  private static String quote(String text) {
    return Json.text(Json.NODES.textNode(text));
  }

  /**
   * The schema of a field: its property, else an object {@code additionalProperties}, else null.
   */
  private static JsonNode childSchema(JsonNode properties, JsonNode additional, String name) {
    JsonNode childSchema = properties == null ? null : properties.get(name);
    if (childSchema == null && additional != null && additional.isObject()) {
      childSchema = additional;
    }
    return childSchema;
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
