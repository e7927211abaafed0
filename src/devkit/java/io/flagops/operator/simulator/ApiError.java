package io.flagops.operator.simulator;

/** A request LaunchDarkly would refuse: becomes the JSON {code, message} error answer. */
final class ApiError extends RuntimeException {
  final int status;

  ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, message);
  }

  /** LaunchDarkly's error codes for each status. */
  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "optimistic_locking_error";
      case 429 -> "rate_limited";
      case 503 -> "service_unavailable";
      default -> status >= 500 ? "internal_server_error" : "error";
    };
  }
}
