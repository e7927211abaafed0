package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Configuration of one release audience, sent when its phase starts. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AudienceConfigInput(
    String audienceId,
    ReleaseGuardianConfiguration releaseGuardianConfiguration,
    List<String> notifyMemberIds,
    List<String> notifyTeamKeys) {}
