package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** How an audience is released: strategy, approval and guarded rollout settings. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AudienceConfiguration(
    String releaseStrategy,
    Boolean requireApproval,
    List<String> notifyMemberIds,
    List<String> notifyTeamKeys,
    ReleaseGuardianConfiguration releaseGuardianConfiguration) {}
