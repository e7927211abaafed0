package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The environment an audience targets. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentSummary(String key, String name, String color) {}
