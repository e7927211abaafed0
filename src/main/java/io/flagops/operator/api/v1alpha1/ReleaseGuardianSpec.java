package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Guarded rollout settings: LaunchDarkly watches metrics for regressions while it rolls out. */
public class ReleaseGuardianSpec extends SpecObject {
  /** Go-style durations such as 30m, 1h30m or 90s. */
  public static final String DURATION_PATTERN = "^([0-9]+(ms|s|m|h))+$";

  @Required
  @Pattern(DURATION_PATTERN)
  @JsonPropertyDescription(
      "How long LaunchDarkly monitors the rollout for regressions, as a duration such as 30m,"
          + " 1h or 90s.")
  private String monitoringWindow;

  @Required
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Percentage of traffic (0-100) that receives the new variation.")
  private Integer rolloutWeight;

  @Default("true")
  @JsonPropertyDescription("Roll back automatically when a regression is detected.")
  private boolean rollbackOnRegression = true;

  @Size(max = 256) // no minLength, as FlagReleaseSpec.releaseVariationId says why
  @JsonPropertyDescription("Context kind the rollout is bucketed by, for example user.")
  private String randomizationUnit;

  public ReleaseGuardianSpec() {}

  public ReleaseGuardianSpec(String monitoringWindow, int rolloutWeight) {
    this.monitoringWindow = monitoringWindow;
    this.rolloutWeight = rolloutWeight;
  }

  public String getMonitoringWindow() {
    return monitoringWindow;
  }

  public void setMonitoringWindow(String monitoringWindow) {
    this.monitoringWindow = monitoringWindow;
  }

  public Integer getRolloutWeight() {
    return rolloutWeight;
  }

  public void setRolloutWeight(Integer rolloutWeight) {
    this.rolloutWeight = rolloutWeight;
  }

  public boolean isRollbackOnRegression() {
    return rollbackOnRegression;
  }

  public void setRollbackOnRegression(boolean rollbackOnRegression) {
    this.rollbackOnRegression = rollbackOnRegression;
  }

  public String getRandomizationUnit() {
    return randomizationUnit;
  }

  public void setRandomizationUnit(String randomizationUnit) {
    this.randomizationUnit = randomizationUnit;
  }
}
