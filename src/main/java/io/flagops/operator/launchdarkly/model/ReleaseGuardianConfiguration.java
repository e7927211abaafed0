package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Guarded rollout settings, as sent when a phase starts and as LaunchDarkly reports them. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReleaseGuardianConfiguration(
    Long monitoringWindowMilliseconds,
    Integer rolloutWeight,
    Boolean rollbackOnRegression,
    String randomizationUnit) {}
