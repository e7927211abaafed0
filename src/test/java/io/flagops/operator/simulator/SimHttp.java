package io.flagops.operator.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Raw HTTP against the simulator with the JDK client and plain JSON strings (not the operator's
 * client).
 */
final class SimHttp {
  static final String TOKEN = "test-token-a";
  static final ObjectMapper JSON = new ObjectMapper();

  /** One answer; {@code json} is null when the body is empty or not JSON. */
  record Reply(int status, HttpHeaders headers, String body, JsonNode json) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    String message() {
      return json == null ? null : json.path("message").asText();
    }

    String code() {
      return json == null ? null : json.path("code").asText();
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String baseUrl;

  SimHttp(LaunchDarklySimulator simulator) {
    this.baseUrl = simulator.baseUrl();
  }

  static SimulatorSeed testSeed() {
    try (InputStream in = SimHttp.class.getResourceAsStream("/simulator/test-seed.yaml")) {
      return SimulatorSeed.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> apiHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", TOKEN);
    headers.put("LD-API-Version", "beta");
    return headers;
  }

  Reply get(String path) {
    return send("GET", path, null, apiHeaders());
  }

  Reply put(String path, String body) {
    return send("PUT", path, body, apiHeaders());
  }

  Reply patch(String path, String body) {
    return send("PATCH", path, body, apiHeaders());
  }

  Reply delete(String path) {
    return send("DELETE", path, null, apiHeaders());
  }

  Reply getRelease(String project, String flag) {
    return get("/api/v2/flags/" + project + "/" + flag + "/release");
  }

  Reply createRelease(String project, String flag, String body) {
    return put("/api/v2/projects/" + project + "/flags/" + flag + "/release", body);
  }

  Reply updatePhase(String project, String flag, String phaseId, String body) {
    return put(
        "/api/v2/projects/" + project + "/flags/" + flag + "/release/phases/" + phaseId, body);
  }

  Reply setStatus(String project, String flag, String phaseId, String status) {
    return updatePhase(project, flag, phaseId, "{\"status\":\"" + status + "\"}");
  }

  Reply patchRelease(String project, String flag, String body) {
    return patch("/api/v2/flags/" + project + "/" + flag + "/release", body);
  }

  Reply deleteRelease(String project, String flag) {
    return delete("/api/v2/flags/" + project + "/" + flag + "/release");
  }

  Reply send(String method, String path, String body, Map<String, String> headers) {
    try {
      return sendOrThrow(method, path, body, headers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lets IOException through, for the dropped-connection fault. */
  Reply sendOrThrow(String method, String path, String body, Map<String, String> headers)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
    headers.forEach(request::header);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(
          response.statusCode(), response.headers(), response.body(), parse(response.body()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
