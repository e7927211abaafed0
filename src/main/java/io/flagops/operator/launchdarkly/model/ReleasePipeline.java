package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A release pipeline: whether it is a legacy one, and its phases and their audiences, which a
 * release on it will have.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleasePipeline(
    @JsonProperty("key") String key,
    @JsonProperty("name") String name,
    @JsonProperty("_isLegacy") Boolean isLegacy,
    @JsonProperty("phases") List<Phase> phases) {

  public ReleasePipeline requireComplete() {
    Malformed.require(key, "key");
    Malformed.require(name, "name");
    Malformed.require(phases, "phases");
    for (int i = 0; i < phases.size(); i++) {
      Phase phase = Malformed.require(phases.get(i), "phases[" + i + "]");
      Malformed.require(phase.name(), "phases[" + i + "].name");
      Malformed.require(phase.audiences(), "phases[" + i + "].audiences");
      for (int j = 0; j < phase.audiences().size(); j++) {
        String where = "phases[" + i + "].audiences[" + j + "]";
        Malformed.require(
            Malformed.require(phase.audiences().get(j), where).name(), where + ".name");
      }
    }
    return this;
  }

  public boolean legacy() {
    return Boolean.TRUE.equals(isLegacy);
  }

  public static final String APPROVAL = "an approval";
  public static final String GUARDED_ROLLOUT = "a guarded rollout";
  public static final String APPROVAL_AND_GUARDED_ROLLOUT = "an approval and a guarded rollout";

  /**
   * The guardrails each phase's definition gives its audiences ({@link #APPROVAL}, {@link
   * #GUARDED_ROLLOUT} or both), by phase name; phases without one are left out. What a release's
   * audiences leave out (a legacy release's carry no configuration; an automated release's read may
   * leave it out), its pipeline says.
   */
  public Map<String, String> guardrailsByPhase() {
    Map<String, String> guardrails = new HashMap<>();
    for (Phase phase : phases == null ? List.<Phase>of() : phases) {
      List<AudienceConfiguration> configurations =
          phase.audiences() == null
              ? List.of()
              : phase.audiences().stream()
                  .map(Audience::configuration)
                  .filter(Objects::nonNull)
                  .toList();
      boolean approval =
          configurations.stream().anyMatch(c -> Boolean.TRUE.equals(c.requireApproval()));
      boolean guarded =
          configurations.stream().anyMatch(c -> c.releaseGuardianConfiguration() != null);
      if (approval || guarded) {
        guardrails.put(
            phase.name(),
            approval && guarded
                ? APPROVAL_AND_GUARDED_ROLLOUT
                : approval ? APPROVAL : GUARDED_ROLLOUT);
      }
    }
    return guardrails;
  }

  /** One phase of the pipeline definition. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Phase(
      @JsonProperty("id") String id,
      @JsonProperty("name") String name,
      @JsonProperty("audiences") List<Audience> audiences) {}

  /** One audience of a pipeline phase; unlike a release audience it has no id. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Audience(
      @JsonProperty("name") String name,
      @JsonProperty("configuration") AudienceConfiguration configuration) {}
}
