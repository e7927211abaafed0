package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonSetter;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** The desired status of one phase of the release pipeline. */
public class PhaseSpec extends SpecObject {
  public static final String STATUS = "status";

  @Required
  @Size(min = 1, max = 256)
  @JsonPropertyDescription("Name of the pipeline phase, as LaunchDarkly shows it.")
  private String name;

  @Required
  @JsonPropertyDescription(
      "Desired status: NotStarted, Started (also met once LaunchDarkly completes the phase) or"
          + " Complete. Phases start in pipeline order and never move backwards on an automated"
          + " pipeline.")
  @JsonInclude(JsonInclude.Include.NON_NULL) // null: absent, or a value it does not know
  private DesiredPhaseStatus status;

  @JsonPropertyDescription(
      "Default false. Only with status Complete, on a phase whose audiences have a release guardian: complete"
          + " the phase as soon as it has started instead of waiting for LaunchDarkly to end the"
          + " guarded rollout's monitoring window. This skips LaunchDarkly's regression"
          + " monitoring; leave it false unless you mean that. Approvals are never skipped.")
  private boolean forceComplete;

  @Size(max = 20)
  @ValidationRule(
      value = "self.all(a, self.exists_one(b, b.name == a.name))",
      message = "audience names must be unique within a phase")
  @JsonPropertyDescription(
      "Configuration sent for the phase's audiences when the phase starts, matched by name.")
  private List<AudienceSpec> audiences = new ArrayList<>();

  public PhaseSpec() {}

  public PhaseSpec(String name, DesiredPhaseStatus status) {
    this.name = name;
    this.status = status;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  /** Null when absent, or a value this operator does not know (see getUnknownValues). */
  public DesiredPhaseStatus getStatus() {
    return status;
  }

  public void setStatus(DesiredPhaseStatus status) {
    valueSet(STATUS);
    this.status = status;
  }

  @JsonSetter(STATUS)
  private void readStatus(String value) {
    status = valueRead(STATUS, value, DesiredPhaseStatus.class, null);
  }

  public boolean isForceComplete() {
    return forceComplete;
  }

  public void setForceComplete(boolean forceComplete) {
    this.forceComplete = forceComplete;
  }

  public List<AudienceSpec> getAudiences() {
    return audiences;
  }

  public void setAudiences(List<AudienceSpec> audiences) {
    this.audiences = audiences == null ? new ArrayList<>() : audiences;
  }
}
