package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Body of {@code PUT .../release/phases/{phaseId}}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record UpdatePhaseStatusInput(String status, List<AudienceConfigInput> audiences) {}
