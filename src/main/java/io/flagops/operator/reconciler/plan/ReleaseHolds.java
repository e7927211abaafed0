package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What holds the operator's hands off a live release: a phase status it does not know, and, before
 * a move deletes the release, an origin that makes it not the resource's to delete or a guardrail
 * of LaunchDarkly's still deciding on it.
 */
final class ReleaseHolds {
  private ReleaseHolds() {}

  /**
   * A phase whose status is none LaunchDarkly documents (a rollout outcome added later, say): its
   * meaning is unknown, so nothing is written to the release, as for an answer not understood.
   */
  static Optional<Verdict> unknownStatus(Release release) {
    return release
        .phaseWithUnknownStatus()
        .map(
            phase ->
                Verdict.blocked(
                    Reasons.UNKNOWN_PHASE_STATUS,
                    "phase '"
                        + phase.name()
                        + "' has status '"
                        + phase.status()
                        + "' in LaunchDarkly, which this operator does not know ("
                        + String.join(", ", ReleasePhase.KNOWN_STATUSES)
                        + "); it changes nothing in the release until LaunchDarkly shows one it"
                        + " knows"));
  }

  /** A move deletes the release: one the resource adopted may be someone else's. */
  static Verdict adopted(String from, FlagReleaseSpec spec) {
    String to = spec.getReleasePipelineKey();
    return Verdict.blocked(
        Reasons.ADOPTED_RELEASE_NOT_MOVED,
        "spec.releasePipelineKey: the release on pipeline '"
            + from
            + "' was adopted, not created by this FlagRelease (status.releaseOrigin), so it may be"
            + " someone else's, and moving it to '"
            + to
            + "' would delete it; it is left untouched. Set spec.deletionPolicy to"
            + " DeleteEvenIfAdopted"
            + (observes(spec) ? " and spec.managementPolicy to Manage" : "")
            + " to move it, or delete it in LaunchDarkly"
            + toHaveTheOperatorCreate(spec)
            + " the release on '"
            + to
            + "'");
  }

  /**
   * Who moves the release: the operator in Manage; in Observe nobody, so it is said as Manage's.
   */
  private static String isMoved(FlagReleaseSpec spec) {
    return observes(spec) ? "in Manage mode the release would be moved" : "the release is moved";
  }

  static boolean observes(FlagReleaseSpec spec) {
    return spec.getManagementPolicy() == ManagementPolicy.Observe;
  }

  /**
   * How deleting a release in LaunchDarkly gets a new one made: by the operator in Manage; in
   * Observe only once the spec says Manage, since Observe creates nothing.
   */
  static String toHaveTheOperatorCreate(FlagReleaseSpec spec) {
    return observes(spec)
        ? " and set spec.managementPolicy to Manage (Observe creates nothing) to have the operator"
            + " create"
        : " to have the operator create";
  }

  /**
   * What deleting a release that looks rolled back costs: the release made then starts the phases
   * the spec asks, serving that variation again.
   */
  private static final String AFTER_ROLLBACK =
      ", which then starts the phases the spec asks, serving that variation again (ask them"
          + " NotStarted first to keep it off)";

  /** Why a likely rollback holds the move: the new release would run the phases again. */
  private static String notUndone(FlagReleaseSpec spec, String to) {
    return ", so "
        + (observes(spec)
            ? "in Manage mode the release would not be moved"
            : "the release is not moved")
        + " to pipeline '"
        + to
        + "': a move would delete it, and starting its phases again there, now or after a later"
        + " edit, would undo that decision (the new release would keep no record of it).";
  }

  /**
   * A guardrail deciding, or that has decided, on the live release, which a move would abandon by
   * deleting it: a phase a person paused, an approval pending, a guarded rollout being monitored,
   * or one that LaunchDarkly did not complete (overdue, or the phase shown moved back: likely
   * rolled back, which starting the phases again on the new pipeline would undo). Empty when the
   * release may be moved.
   */
  static Optional<Verdict> guardrail(Release release, Observation observed, FlagReleaseSpec spec) {
    String to = spec.getReleasePipelineKey();
    String orDelete =
        ", or delete the release in LaunchDarkly"
            + toHaveTheOperatorCreate(spec)
            + " it on '"
            + to
            + "'";
    for (ReleasePhase phase : release.phases()) {
      if (phase.isComplete()) {
        continue;
      }
      if (phase.isPaused()) {
        return Optional.of(
            Verdict.blocked(
                Reasons.PHASE_PAUSED,
                "phase '"
                    + phase.name()
                    + "' is paused in LaunchDarkly, so the release is not moved to pipeline '"
                    + to
                    + "' (a move would delete it). Resume the phase in LaunchDarkly"
                    + orDelete));
      }
      if (phase.isMovedBack()) {
        return Optional.of(
            Verdict.blocked(
                Reasons.PHASE_MOVED_BACK,
                "phase '"
                    + phase.name()
                    + "' started, and LaunchDarkly now shows it "
                    + phase.status()
                    + " (a guarded rollout rolled back, or a person moved it back)"
                    + notUndone(spec, to)
                    + " Decide in LaunchDarkly (start or complete the phase there)"
                    + orDelete
                    + AFTER_ROLLBACK));
      }
      // a read without the audiences' configuration keeps what the status saw of this start
      Optional<PhaseStatus> seen =
          GuardrailsSeenBefore.of(phase, observed.phasesBefore().get(phase.name()));
      List<ReleaseAudience> approvals = phase.audiencesAwaitingApproval();
      if (approvals.isEmpty()) {
        approvals =
            seen.map(before -> GuardrailsSeenBefore.stillAwaiting(phase, before)).orElse(List.of());
      }
      if (phase.isStarted() && !approvals.isEmpty()) {
        return Optional.of(
            Verdict.waiting(
                Reasons.AWAITING_APPROVAL,
                "phase '"
                    + phase.name()
                    + "' waits for approval in LaunchDarkly for "
                    + approvals.stream()
                        .map(a -> "'" + a.name() + "'" + PhasePlanner.approvalDetails(a, true))
                        .collect(Collectors.joining(", "))
                    + "; "
                    + isMoved(spec)
                    + " to pipeline '"
                    + to
                    + "' once it is approved"
                    + orDelete
                    + " now"));
      }
      Instant readAt = observed.readAt();
      Long endsAt =
          Optional.ofNullable(
                  MonitoringWindow.endsAt(phase, observed.phasesBefore().get(phase.name()), readAt))
              .or(() -> seen.map(MonitoringWindow::recordedEnd))
              .orElse(null);
      if (endsAt == null
          && seen.filter(before -> GuardrailsSeenBefore.approvedUnseen(phase, before))
              .isPresent()) {
        return Optional.of(
            Verdict.waiting(
                Reasons.GUARDRAILS_NOT_SHOWN,
                PhasePlanner.approvedUnseen(phase)
                    + "; "
                    + isMoved(spec)
                    + " to pipeline '"
                    + to
                    + "' once a read does"
                    + orDelete
                    + " now"));
      }
      if (endsAt != null && MonitoringWindow.overdue(phase, endsAt, readAt)) {
        return Optional.of(
            Verdict.blocked(
                Reasons.GUARDED_ROLLOUT_NOT_COMPLETED,
                "LaunchDarkly's monitoring of phase '"
                    + phase.name()
                    + "' was due to end at about "
                    + Instant.ofEpochMilli(endsAt)
                    + ", and LaunchDarkly has not completed the phase: a regression may have"
                    + " rolled the rollout back"
                    + notUndone(spec, to)
                    + " See the guarded rollout in LaunchDarkly; "
                    + (observes(spec) ? "in Manage mode the move would go on" : "the move goes on")
                    + " once LaunchDarkly completes the phase"
                    + orDelete
                    + AFTER_ROLLBACK));
      }
      if (endsAt != null) {
        return Optional.of(
            Verdict.waitingUntil(
                Reasons.GUARDED_ROLLOUT,
                "phase '"
                    + phase.name()
                    + "' is in a guarded rollout that LaunchDarkly monitors until about "
                    + Instant.ofEpochMilli(endsAt)
                    + "; "
                    + isMoved(spec)
                    + " to pipeline '"
                    + to
                    + "' after that"
                    + orDelete
                    + " now",
                Instant.ofEpochMilli(endsAt)));
      }
      String unshown =
          phase.isStarted()
              ? GuardrailsSeenBefore.unshown(phase, seen, observed.pipelineGuardrails())
              : null;
      if (unshown != null) {
        return Optional.of(
            Verdict.waiting(
                Reasons.GUARDRAILS_NOT_SHOWN,
                GuardrailsSeenBefore.unshownGuardrail(phase, unshown)
                    + "; "
                    + isMoved(spec)
                    + " to pipeline '"
                    + to
                    + "' once a read shows whether it does"
                    + orDelete
                    + " now"));
      }
    }
    return Optional.empty();
  }
}
