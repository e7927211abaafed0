package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One audience (an environment, optional segments and a strategy) of a release phase. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleaseAudience(
    @JsonProperty("_id") String id,
    @JsonProperty("name") String name,
    @JsonProperty("environment") EnvironmentSummary environment,
    @JsonProperty("configuration") AudienceConfiguration configuration,
    @JsonProperty("segmentKeys") List<String> segmentKeys,
    @JsonProperty("status") String status) {

  /**
   * Audience statuses that show the change is live. LaunchDarkly documents only "active"; any other
   * status of an audience that requires approval is taken as "not approved yet".
   */
  private static final Set<String> LIVE = Set.of("active", "complete", "completed");

  /** The guarded rollout LaunchDarkly applies to this audience, or null. */
  public ReleaseGuardianConfiguration guardian() {
    return configuration == null ? null : configuration.releaseGuardianConfiguration();
  }

  public boolean requiresApproval() {
    return configuration != null && Boolean.TRUE.equals(configuration.requireApproval());
  }

  public boolean awaitsApproval() {
    return requiresApproval() && !isLive();
  }

  /** Whether LaunchDarkly shows the audience's change live (approved, where it needed that). */
  public boolean isLive() {
    return status != null && LIVE.contains(status.toLowerCase(Locale.ROOT));
  }

  /** Who LaunchDarkly notifies to approve: "members a, b; teams c", or "" when it does not say. */
  public String approvers() {
    if (configuration == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    if (configuration.notifyMemberIds() != null && !configuration.notifyMemberIds().isEmpty()) {
      parts.add("members " + String.join(", ", configuration.notifyMemberIds()));
    }
    if (configuration.notifyTeamKeys() != null && !configuration.notifyTeamKeys().isEmpty()) {
      parts.add("teams " + String.join(", ", configuration.notifyTeamKeys()));
    }
    return String.join("; ", parts);
  }
}
