package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** meta.k8s.io/v1 Status answers, shaped as the API server shapes them. */
final class Statuses {
  private Statuses() {}

  static ObjectNode failure(int code, String reason, String message) {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.set("metadata", Json.object());
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return status;
  }

  static ObjectNode notFound(String message) {
    return failure(404, "NotFound", message);
  }

  /** The answer to a path the server does not serve. */
  static ObjectNode noSuchPath() {
    return notFound("the server could not find the requested resource");
  }

  static ObjectNode objectNotFound(ResourceType type, String name) {
    return withDetails(
        notFound(type.qualifiedPlural() + " \"" + name + "\" not found"), type, name);
  }

  /** Adds the {@code details} of a named object (group only when not the core group). */
  private static ObjectNode withDetails(ObjectNode status, ResourceType type, String name) {
    ObjectNode details = status.putObject("details");
    details.put("name", name);
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.plural());
    return status;
  }

  static ObjectNode badRequest(String message) {
    return failure(400, "BadRequest", message);
  }

  static ObjectNode conflict(String message) {
    return failure(409, "Conflict", message);
  }

  static ObjectNode unsupportedMediaType(String message) {
    return failure(415, "UnsupportedMediaType", message);
  }

  static ObjectNode methodNotAllowed(String message) {
    return failure(405, "MethodNotAllowed", message);
  }

  static ObjectNode internalError(String message) {
    return failure(500, "InternalError", "Internal error occurred: " + message);
  }

  static ObjectNode tooManyRequests(String message) {
    return failure(429, "TooManyRequests", message);
  }

  /**
   * A 422 Invalid answer listing each cause, as {@code kubectl} prints it: {@code Kind.group "name"
   * is invalid: [field: detail, ...]}.
   */
  static ObjectNode invalid(ResourceType type, String name, List<CrdValidator.Problem> problems) {
    String qualifiedKind = type.kind() + qualifiedGroup(type);
    StringBuilder message = new StringBuilder();
    message.append(qualifiedKind).append(" \"").append(name).append("\" is invalid: ");
    if (problems.size() == 1) {
      message.append(problems.get(0).render());
    } else {
      message.append('[');
      for (int i = 0; i < problems.size(); i++) {
        message.append(i == 0 ? "" : ", ").append(problems.get(i).render());
      }
      message.append(']');
    }
    ObjectNode status = failure(422, "Invalid", message.toString());
    ObjectNode details = status.putObject("details");
    details.put("name", name);
    details.put("group", type.group());
    details.put("kind", type.kind());
    ArrayNode causes = details.putArray("causes");
    for (CrdValidator.Problem problem : problems) {
      ObjectNode cause = causes.addObject();
      cause.put("reason", "FieldValueInvalid");
      cause.put("message", problem.detail());
      cause.put("field", problem.field());
    }
    return status;
  }

  private static String qualifiedGroup(ResourceType type) {
    return type.group().isEmpty() ? "" : "." + type.group();
  }
}
