package io.flagops.plugin;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import java.util.List;

/** What {@code status} prints: the resource, its Ready condition and each phase. */
final class StatusView {
  private StatusView() {}

  static String render(FlagRelease resource) {
    var spec = resource.getSpec();
    FlagReleaseStatus status = resource.getStatus();
    StringBuilder text = new StringBuilder();
    line(
        text,
        "Name",
        resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName());
    line(
        text,
        "Flag",
        spec.getProjectKey()
            + "/"
            + spec.getFlagKey()
            + " on pipeline '"
            + spec.getReleasePipelineKey()
            + "' ("
            + spec.valueAsWritten(FlagReleaseSpec.MANAGEMENT_POLICY, spec.getManagementPolicy())
            + (spec.isSuspend() ? ", suspended" : "")
            + ")");
    if (status == null) {
      line(text, "State", "no status yet: the operator has not reconciled this resource");
      return text.toString();
    }
    FlagReleaseCondition ready =
        status.getConditions().stream()
            .filter(c -> ConditionTypes.READY.equals(c.getType()))
            .findFirst()
            .orElse(null);
    line(
        text,
        "State",
        status.getState()
            + (ready == null ? "" : " (Ready=" + ready.getStatus() + ", " + ready.getReason() + ")")
            + generation(resource, status));
    if (status.getMessage() != null) {
      line(text, "Message", status.getMessage());
    }
    ObservedRelease release = status.getRelease();
    line(
        text,
        "Release",
        release == null
            ? "none seen in LaunchDarkly"
            : "on pipeline '"
                + release.getPipelineKey()
                + "', version "
                + release.getVersion()
                + (status.getCurrentPhase() == null
                    ? ""
                    : ", current phase " + status.getCurrentPhase()));
    Table phases = new Table("PHASE", "LAUNCHDARKLY", "SPEC", "STARTED", "COMPLETED", "GUARDRAIL");
    for (PhaseStatus phase : status.getPhases()) {
      phases.row(
          phase.getName(),
          phase.getStatus(),
          wanted(resource, phase.getName()),
          phase.getStartedAt(),
          phase.getCompletedAt(),
          guardrail(phase));
    }
    if (!phases.isEmpty()) {
      text.append('\n').append(phases.render(""));
    }
    return text.toString();
  }

  /** What of LaunchDarkly's guardrails holds the phase, as the status recorded it; null: none. */
  private static String guardrail(PhaseStatus phase) {
    List<String> approvals = phase.getAwaitingApproval();
    if (approvals != null && !approvals.isEmpty()) {
      return "approval pending: " + String.join(", ", approvals);
    }
    if (Boolean.TRUE.equals(phase.getComplete())) {
      return null;
    }
    if ((phase.getStartedAt() != null || Boolean.TRUE.equals(phase.getStarted()))
        && List.of(ReleasePhase.NOT_STARTED, ReleasePhase.READY_TO_START)
            .contains(ReleasePhase.documented(phase.getStatus()))) {
      return "shown " + phase.getStatus() + " after it started: rolled back, or moved back";
    }
    if (phase.getMonitoringEndsAt() == null) {
      return null;
    }
    return Boolean.TRUE.equals(phase.getMonitoringOverdue())
        ? "not completed when due at " + phase.getMonitoringEndsAt() + ": likely rolled back"
        : "monitored until " + phase.getMonitoringEndsAt();
  }

  private static String generation(FlagRelease resource, FlagReleaseStatus status) {
    Long generation = resource.getMetadata().getGeneration();
    return generation != null && !generation.equals(status.getObservedGeneration())
        ? " [generation " + generation + " not observed yet]"
        : "";
  }

  private static String wanted(FlagRelease resource, String phase) {
    return resource.getSpec().getPhases().stream()
        .filter(p -> p.getName().equals(phase))
        .findFirst()
        .map(p -> p.valueAsWritten(PhaseSpec.STATUS, p.getStatus()))
        .orElse(null);
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format("%-9s%s%n", label + ":", value));
  }
}
