package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of {@code PUT .../projects/{projectKey}/flags/{flagKey}/release}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateReleaseInput(String releasePipelineKey, String releaseVariationId) {}
