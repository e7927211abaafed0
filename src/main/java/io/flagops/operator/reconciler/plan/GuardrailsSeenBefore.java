package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The guardrails the last status saw on a started phase, for a read that leaves out its audiences'
 * configuration: the same start of the same phase keeps the approval and the monitoring it had,
 * rather than looking unguarded and being completed around them.
 */
public final class GuardrailsSeenBefore {
  private GuardrailsSeenBefore() {}

  /** The status's record of this very start, when the read says nothing of its guardrails. */
  public static Optional<PhaseStatus> of(ReleasePhase phase, PhaseStatus before) {
    if (before == null
        || !phase.isStarted()
        || phase.startedDate() == null
        || !phase.saysNothingOfGuardrails()
        || !Objects.equals(before.getId(), phase.id())
        || !MonitoringWindow.sameStart(phase, before)) {
      return Optional.empty();
    }
    return Optional.of(before);
  }

  /** What the pipeline's definition gives a phase as its approval. */
  public static final String APPROVAL = "an approval";

  /**
   * The guardrail ("an approval", "a guarded rollout") the pipeline's definition gives a phase
   * whose read says nothing of its own, when the status's record of its start ({@code seen}) saw
   * neither an approval awaited nor monitoring either: a record made on a read that left the
   * configuration out too says nothing. Null when the read or the record tells, or the pipeline
   * gives the phase none.
   */
  public static String unshown(
      ReleasePhase phase, Optional<PhaseStatus> seen, Map<String, String> pipelineGuardrails) {
    boolean recordTells =
        seen.filter(
                before ->
                    (before.getAwaitingApproval() != null
                            && !before.getAwaitingApproval().isEmpty())
                        || MonitoringWindow.recordedEnd(before) != null)
            .isPresent();
    return phase.saysNothingOfGuardrails() && !recordTells
        ? pipelineGuardrails.get(phase.name())
        : null;
  }

  /** What {@link #unshown} found, said of the phase. */
  public static String unshownGuardrail(ReleasePhase phase, String guardrail) {
    return "LaunchDarkly's read of phase '"
        + phase.name()
        + "' leaves out its audiences' configuration, and its release pipeline gives it "
        + guardrail
        + ", which may hold the phase";
  }

  /** The audiences the record saw awaiting approval that the read does not show live. */
  public static List<ReleaseAudience> stillAwaiting(ReleasePhase phase, PhaseStatus before) {
    List<String> awaited =
        before.getAwaitingApproval() == null ? List.of() : before.getAwaitingApproval();
    return phase.audiences().stream()
        .filter(a -> awaited.contains(a.name()) && !a.isLive())
        .toList();
  }

  /**
   * Whether the record saw an approval pending that the read shows given: monitoring, if the phase
   * has any, began then, and no read has shown it.
   */
  public static boolean approvedUnseen(ReleasePhase phase, PhaseStatus before) {
    return before.getAwaitingApproval() != null
        && !before.getAwaitingApproval().isEmpty()
        && stillAwaiting(phase, before).isEmpty()
        && MonitoringWindow.recordedEnd(before) == null;
  }
}
