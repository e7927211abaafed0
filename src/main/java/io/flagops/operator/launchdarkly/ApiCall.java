package io.flagops.operator.launchdarkly;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One request line of the Releases API: what the client sends, and what {@code kubectl flagrelease
 * plan} prints for a planned write, from the same place.
 */
public record ApiCall(String method, String path) {

  public static ApiCall getRelease(FlagRef flag) {
    return new ApiCall("GET", releasePath(flag));
  }

  public static ApiCall getReleasePipeline(String projectKey, String pipelineKey) {
    return new ApiCall(
        "GET", "/api/v2/projects/" + enc(projectKey) + "/release-pipelines/" + enc(pipelineKey));
  }

  public static ApiCall createRelease(FlagRef flag) {
    return new ApiCall("PUT", projectReleasePath(flag));
  }

  public static ApiCall updatePhaseStatus(FlagRef flag, String phaseId) {
    return new ApiCall("PUT", projectReleasePath(flag) + "/phases/" + enc(phaseId));
  }

  public static ApiCall patchRelease(FlagRef flag) {
    return new ApiCall("PATCH", releasePath(flag));
  }

  public static ApiCall deleteRelease(FlagRef flag) {
    return new ApiCall("DELETE", releasePath(flag));
  }

  @Override
  public String toString() {
    return method + " " + path;
  }

  /** get, patch and delete live under {@code /flags/{projectKey}/{flagKey}/release}. */
  private static String releasePath(FlagRef flag) {
    return "/api/v2/flags/" + enc(flag.projectKey()) + "/" + enc(flag.flagKey()) + "/release";
  }

  /** create and phase updates live under {@code /projects/{projectKey}/flags/{flagKey}/release}. */
  private static String projectReleasePath(FlagRef flag) {
    return "/api/v2/projects/"
        + enc(flag.projectKey())
        + "/flags/"
        + enc(flag.flagKey())
        + "/release";
  }

  private static String enc(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
