package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One audience (an environment, optional segments and a strategy) of a release phase. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleaseAudience(
    @JsonProperty("_id") String id,
    @JsonProperty("name") String name,
    @JsonProperty("environment") EnvironmentSummary environment,
    @JsonProperty("configuration") AudienceConfiguration configuration,
    @JsonProperty("segmentKeys") List<String> segmentKeys,
    @JsonProperty("status") String status) {}
