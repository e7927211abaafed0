package io.flagops.operator.launchdarkly;

/** A flag in a LaunchDarkly project. */
public record FlagRef(String projectKey, String flagKey) {
  @Override
  public String toString() {
    return projectKey + "/" + flagKey;
  }
}
