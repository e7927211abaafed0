package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
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

  /**
   * The guardrails the pipeline's definition gives a phase whose read says nothing of its own
   * (ReleasePipeline's words), when the status's record of its start ({@code seen}) saw neither an
   * approval awaited nor monitoring either: a record made on a read that left the configuration out
   * too says nothing. An approval counts only until the phase's audiences read live (their status,
   * which such a read keeps): their change went through, so it was given. Null when the read or the
   * record tells, or nothing may hold the phase.
   */
  public static String unshown(
      ReleasePhase phase, Optional<PhaseStatus> seen, Map<String, String> pipelineGuardrails) {
    String given = pipelineGuardrails.get(phase.name());
    boolean recordTells =
        seen.filter(
                before ->
                    (before.getAwaitingApproval() != null
                            && !before.getAwaitingApproval().isEmpty())
                        || MonitoringWindow.recordedEnd(before) != null)
            .isPresent();
    if (given == null || !phase.saysNothingOfGuardrails() || recordTells) {
      return null;
    }
    boolean live =
        phase.isStarted() && phase.audiences().stream().allMatch(ReleaseAudience::isLive);
    if (includesApproval(given) && live) {
      return given.equals(ReleasePipeline.APPROVAL) ? null : ReleasePipeline.GUARDED_ROLLOUT;
    }
    return given;
  }

  /** Whether {@link #unshown}'s answer includes an approval, which nothing works around. */
  public static boolean includesApproval(String guardrails) {
    return ReleasePipeline.APPROVAL.equals(guardrails)
        || ReleasePipeline.APPROVAL_AND_GUARDED_ROLLOUT.equals(guardrails);
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
