package io.flagops.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a FlagRelease spec the way the API server would with the committed CRD: its
 * openAPIV3Schema with a JSON-schema validator, and its x-kubernetes-validations rules with a CEL
 * interpreter ({@code oldSelf} rules only when an old spec is given, as on update).
 */
final class CrdValidator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CelCompiler CEL =
      CelCompilerFactory.standardCelCompilerBuilder()
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JsonNode specSchema;
  private final Schema validator;

  CrdValidator() throws IOException {
    JsonNode crd =
        new ObjectMapper(new YAMLFactory()).readTree(Files.readString(CrdGenerationTest.COMMITTED));
    specSchema =
        crd.path("spec")
            .path("versions")
            .get(0)
            .path("schema")
            .path("openAPIV3Schema")
            .path("properties")
            .path("spec");
    validator =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
            .getSchema(specSchema.toString(), InputFormat.JSON);
  }

  /** Every error, as "path: message"; empty when the spec would be accepted. */
  List<String> errors(JsonNode spec, JsonNode oldSpec) {
    List<String> errors = new ArrayList<>();
    for (Error error : validator.validate(spec.toString(), InputFormat.JSON)) {
      errors.add(error.getInstanceLocation() + ": " + error.getMessage());
    }
    celErrors("spec", specSchema, spec, oldSpec, errors);
    return errors;
  }

  private void celErrors(
      String path, JsonNode schema, JsonNode value, JsonNode old, List<String> errors) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      boolean transition = expression.contains("oldSelf");
      if (transition && (old == null || old.isMissingNode() || old.isNull())) {
        continue; // transition rules apply on update only
      }
      if (!evaluate(expression, value, old)) {
        errors.add(path + ": " + rule.path("message").asText(expression));
      }
    }
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            p ->
                celErrors(
                    path + "." + p.getKey(),
                    p.getValue(),
                    value.path(p.getKey()),
                    old == null ? null : old.path(p.getKey()),
                    errors));
    JsonNode items = schema.path("items");
    if (!items.isMissingNode() && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        celErrors(path + "[" + i + "]", items, value.get(i), null, errors);
      }
    }
  }

  private static boolean evaluate(String expression, JsonNode self, JsonNode old) {
    CelAbstractSyntaxTree ast;
    try {
      ast = CEL.compile(expression).getAst();
    } catch (Exception e) {
      throw new IllegalStateException(
          "the CRD has a CEL rule that does not compile: " + expression, e);
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put("self", JSON.convertValue(self, Object.class));
    variables.put("oldSelf", old == null ? Map.of() : JSON.convertValue(old, Object.class));
    try {
      return Boolean.TRUE.equals(RUNTIME.createProgram(ast).eval(variables));
    } catch (Exception e) {
      return false; // like the API server: a rule that cannot be evaluated rejects the object
    }
  }
}
