package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Result;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an object against a CRD's openAPIV3Schema the way the API server does, with libraries: the
 * schema with the networknt JSON-schema validator (which also applies the defaults and finds the
 * unknown fields), the {@code x-kubernetes-validations} rules with the CEL interpreter ({@code
 * oldSelf} rules only when there is an old value, as on update). The sandbox's gateway and the
 * tests of the CRD share it.
 */
public final class CrdValidator {
  private static final tools.jackson.databind.ObjectMapper JSON3 =
      new tools.jackson.databind.ObjectMapper();
  private static final CelCompiler CEL =
      CelCompilerFactory.standardCelCompilerBuilder()
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_4,
          b ->
              b.schemaRegistryConfig(
                  SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build()));

  /** One thing wrong with a field ({@code spec.phases[0].status}). */
  public record Problem(String field, String detail) {
    public String render() {
      return field + ": " + detail;
    }
  }

  /**
   * @param object the object as it would be stored: unknown fields pruned, defaults applied
   * @param unknownFields paths such as {@code spec.colour}
   */
  public record Verdict(JsonNode object, List<String> unknownFields, List<Problem> problems) {}

  private final JsonNode schema;
  private final Schema strict;

  /** A validator of the given openAPIV3Schema (of the whole object). */
  public CrdValidator(JsonNode openApiV3Schema) {
    this.schema = openApiV3Schema;
    ObjectNode closed = openApiV3Schema.deepCopy();
    ObjectNode root = closed.withObjectProperty("properties");
    for (String field : new String[] {"apiVersion", "kind"}) {
      root.putIfAbsent(field, Json.object().put("type", "string"));
    }
    root.putIfAbsent("metadata", Json.object().put("type", "object"));
    closeObjects(closed);
    this.strict = REGISTRY.getSchema(JSON3.readTree(closed.toString()));
  }

  /** Checks {@code object} (not modified); {@code old} is the stored object on update, or null. */
  public Verdict check(JsonNode object, JsonNode old) {
    tools.jackson.databind.JsonNode walked = JSON3.readTree(object.toString());
    Result result =
        strict.walk(
            walked,
            true,
            context ->
                context.walkConfig(
                    w -> w.applyDefaultsStrategy(d -> d.applyPropertyDefaults(true))));
    JsonNode stored = Json.parse(walked.toString());
    List<String> unknown = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Error error : result.getErrors()) {
      String at = field(error.getInstanceLocation().toString());
      if (error.getKeyword().equals("additionalProperties")) {
        unknown.add(join(at, error.getProperty()));
        JsonNode parent = stored.at(pointer(at));
        if (parent instanceof ObjectNode node) {
          node.remove(error.getProperty());
        }
      } else if (old == null || !unchanged(at, old, stored)) {
        problems.add(problem(at, error));
      }
    }
    celProblems("", schema, stored, old, problems);
    return new Verdict(stored, unknown, problems);
  }

  private static Problem problem(String at, Error error) {
    if (error.getKeyword().equals("required")) {
      return new Problem(join(at, error.getProperty()), "Required value");
    }
    tools.jackson.databind.JsonNode value = error.getInstanceNode();
    String shown = value == null || value.isContainer() ? "" : "Invalid value: " + value + ": ";
    return new Problem(at, shown + error.getMessage());
  }

  /**
   * The API server drops (or with {@code fieldValidation=Strict} refuses) fields the schema does
   * not declare: say so to the validator wherever the schema lists properties and keeps no others.
   */
  private static void closeObjects(JsonNode schema) {
    if (!schema.isObject()) {
      return;
    }
    if (schema instanceof ObjectNode node
        && node.has("properties")
        && !node.has("additionalProperties")
        && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      node.put("additionalProperties", false);
    }
    schema.path("properties").forEach(CrdValidator::closeObjects);
    closeObjects(schema.path("items"));
    closeObjects(schema.path("additionalProperties"));
  }

  private void celProblems(
      String path, JsonNode schema, JsonNode value, JsonNode old, List<Problem> problems) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      if (expression.contains("oldSelf") && (old == null || old.isMissingNode())) {
        continue; // transition rules apply on update only
      }
      if (!holds(expression, value, old)) {
        problems.add(new Problem(path, rule.path("message").asText("failed rule: " + expression)));
      }
    }
    schema
        .path("properties")
        .properties()
        .forEach(
            p ->
                celProblems(
                    join(path, p.getKey()),
                    p.getValue(),
                    value.path(p.getKey()),
                    old == null ? null : old.path(p.getKey()),
                    problems));
    JsonNode items = schema.path("items");
    if (!items.isMissingNode() && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        celProblems(path + "[" + i + "]", items, value.get(i), null, problems);
      }
    }
  }

  private static boolean holds(String expression, JsonNode self, JsonNode old) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("self", Json.MAPPER.convertValue(self, Object.class));
    variables.put("oldSelf", old == null ? Map.of() : Json.MAPPER.convertValue(old, Object.class));
    try {
      return Boolean.TRUE.equals(
          PROGRAMS.computeIfAbsent(expression, CrdValidator::compile).eval(variables));
    } catch (dev.cel.runtime.CelEvaluationException e) {
      return false; // like the API server: a rule that cannot be evaluated rejects the object
    }
  }

  private static CelRuntime.Program compile(String expression) {
    try {
      return RUNTIME.createProgram(CEL.compile(expression).getAst());
    } catch (Exception e) {
      throw new IllegalStateException(
          "the CRD has a CEL rule that does not compile: " + expression, e);
    }
  }

  /**
   * Ratcheting, as API servers from 1.30 do: an update that leaves an invalid value as it was is
   * not refused for it. Lists are atomic (this CRD has no map lists): only a whole list unchanged.
   */
  private static boolean unchanged(String at, JsonNode old, JsonNode stored) {
    String compared = at.contains("[") ? at.substring(0, at.indexOf('[')) : at;
    return old.at(pointer(compared)).equals(stored.at(pointer(compared)));
  }

  /** {@code $.spec.phases[0]} to {@code spec.phases[0]}. */
  private static String field(String jsonPath) {
    return jsonPath.replaceFirst("^\\$\\.?", "");
  }

  /** {@code spec.phases[0]} to the JSON pointer {@code /spec/phases/0}. */
  private static String pointer(String field) {
    return field.isEmpty() ? "" : "/" + field.replace("[", ".").replace("]", "").replace('.', '/');
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
