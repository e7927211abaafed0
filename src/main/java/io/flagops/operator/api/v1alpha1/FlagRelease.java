package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Declares which LaunchDarkly release pipeline a flag follows and how far its release has gone. */
@Group(FlagRelease.GROUP)
@Version(FlagRelease.VERSION)
@ShortNames("fr")
@Categories("flagops")
@AdditionalPrinterColumn(name = "Project", jsonPath = ".spec.projectKey")
@AdditionalPrinterColumn(name = "Flag", jsonPath = ".spec.flagKey")
@AdditionalPrinterColumn(name = "Pipeline", jsonPath = ".spec.releasePipelineKey")
@AdditionalPrinterColumn(name = "Current-Phase", jsonPath = ".status.currentPhase")
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// -o wide only: a message can be long
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", priority = 1)
public class FlagRelease extends CustomResource<FlagReleaseSpec, FlagReleaseStatus>
    implements Namespaced {
  public static final String GROUP = "flagops.io";
  public static final String VERSION = "v1alpha1";

  @Override
  @JsonPropertyDescription("The release the flag should have in LaunchDarkly.")
  public FlagReleaseSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator last saw in LaunchDarkly. Written by the operator.")
  public FlagReleaseStatus getStatus() {
    return super.getStatus();
  }

  /** True when the status says {@code state} for the spec as it is now (its generation). */
  public boolean isSettledIn(ReleaseState state) {
    FlagReleaseStatus status = getStatus();
    return status != null
        && status.getState() == state
        && getMetadata().getGeneration() != null
        && getMetadata().getGeneration().equals(status.getObservedGeneration());
  }
}
