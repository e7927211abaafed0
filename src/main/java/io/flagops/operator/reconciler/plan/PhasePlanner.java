package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.AudienceSpec;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseGuardianSpec;
import io.flagops.operator.launchdarkly.model.AudienceConfigInput;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleaseGuardianConfiguration;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.reconciler.plan.ReleaseAction.LegacyPhaseChange;
import io.flagops.operator.reconciler.plan.ReleaseAction.PatchLegacyPhases;
import io.flagops.operator.reconciler.plan.ReleaseAction.SetPhaseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Plans phase changes on a release that is on the desired pipeline. LaunchDarkly's guardrails are
 * never skipped: a guarded phase is not completed while LaunchDarkly monitors it (unless the spec
 * forces it), and a phase whose audiences wait for approval is not completed until they are
 * approved.
 */
final class PhasePlanner {
  private final FlagReleaseSpec spec;
  private final Release release;
  private final boolean legacy;
  private final Map<String, PhaseStatus> phasesBefore;
  private final Instant readAt;
  private final Map<String, Integer> specIndexByName = new HashMap<>();

  /**
   * The reason LaunchDarkly does not match the spec in a setting it takes only at a phase's start
   * or a release's creation, which the operator never rewrites; null when nothing is kept so.
   */
  private String notApplied;

  /** The pipeline's guardrails by phase name, for phases whose read shows none of their own. */
  private final Map<String, String> pipelineGuardrails;

  /** On the observed release, which is on the spec's pipeline. */
  PhasePlanner(FlagReleaseSpec spec, Release release, Observation observed) {
    this.spec = spec;
    this.release = release;
    this.legacy = observed.legacy();
    this.phasesBefore = observed.phasesBefore();
    this.readAt = observed.readAt();
    this.pipelineGuardrails = observed.pipelineGuardrails();
    for (int i = 0; i < spec.getPhases().size(); i++) {
      specIndexByName.put(spec.getPhases().get(i).getName(), i);
    }
  }

  ReleasePlan plan() {
    Optional<Verdict> invalid =
        PipelineFit.check(spec, PipelineFit.Shape.of(release, legacy))
            .or(() -> legacy ? Optional.empty() : checkOrder());
    if (invalid.isPresent()) {
      return ReleasePlan.of(invalid.get());
    }
    return legacy ? planLegacy() : planAutomated();
  }

  /** On automated pipelines no phase can start while an earlier one is asked to stay put. */
  private Optional<Verdict> checkOrder() {
    Map<String, ReleasePhase> byName = new HashMap<>();
    release.phases().forEach(phase -> byName.put(phase.name(), phase));
    return PipelineFit.checkOrder(
        spec,
        release.phases().stream().map(ReleasePhase::name).toList(),
        name -> {
          ReleasePhase phase = byName.get(name);
          return phase.isComplete() || phase.isStarted() || phase.isPaused();
        });
  }

  private ReleasePlan planAutomated() {
    List<ReleaseAction> actions = new ArrayList<>();
    List<String> notes = notesOnTheRelease();
    // why the first phase that is not complete is not: later phases wait on it
    Verdict blocker = null;
    boolean blockerListed = false;
    for (ReleasePhase phase : release.phases()) {
      PhaseSpec wanted = wanted(phase);
      boolean complete = phase.isComplete();
      Verdict holds = null;
      if (wanted != null && wanted.getStatus() != DesiredPhaseStatus.NotStarted && !complete) {
        if (phase.isPaused()) {
          return ReleasePlan.of(paused(phase));
        }
        if (phase.isMovedBack()) {
          return ReleasePlan.of(movedBack(phase));
        }
        if (blocker != null) {
          return new ReleasePlan(actions, noted(waitingBefore(blocker, phase), notes));
        }
        boolean startsNow = !phase.isStarted();
        if (startsNow) {
          actions.add(start(phase, wanted));
        }
        holds = gate(phase, wanted, startsNow);
        if (wanted.getStatus() == DesiredPhaseStatus.Started && startedUnguarded(phase, wanted)) {
          notes.add(unguardedStart(phase, wanted));
          keptBy(Reasons.GUARDIAN_NOT_APPLIED);
        }
        if (!startsNow) {
          guardianKept(phase, wanted)
              .ifPresent(
                  kept -> {
                    notes.add(kept);
                    keptBy(Reasons.GUARDIAN_NOT_APPLIED);
                  });
        }
        if (holds == null && wanted.getStatus() == DesiredPhaseStatus.Complete) {
          actions.add(
              new SetPhaseStatus(phase.id(), phase.name(), ReleasePhase.COMPLETE, List.of()));
          complete = true;
        }
      } else if (wanted != null
          && wanted.getStatus() == DesiredPhaseStatus.NotStarted
          && (phase.isStarted() || complete)) {
        if (specMovedBack(phase)) {
          notes.add(notMovedBack(phase, complete));
          keptBy(Reasons.MOVE_BACK_NOT_APPLIED);
        } else {
          notes.add(
              "phase '"
                  + phase.name()
                  + "' is "
                  + (complete ? "complete" : "started")
                  + " in LaunchDarkly although the spec asks NotStarted; progress made there is"
                  + " kept, phases never move backwards");
        }
      }
      if (!complete && blocker == null) {
        blocker = holds != null ? holds : notCompleteYet(phase);
        blockerListed = wanted != null;
        if (holds != null) {
          // a gate on a phase the spec wants is itself something to wait for
          return new ReleasePlan(actions, noted(holds, notes));
        }
      }
    }
    if (blockerListed && blocker.kind() == Verdict.Kind.BLOCKED) {
      // a phase the spec lists that only a person can unblock now (a guarded rollout rolled
      // back): said even when no later phase waits on it
      return new ReleasePlan(actions, noted(blocker, notes));
    }
    return new ReleasePlan(actions, settled(notes));
  }

  /**
   * Where a plan ends when nothing holds it: in sync, or, when LaunchDarkly keeps a setting the
   * spec changed or a move back the spec asks, stalled: Ready would say what the spec asks is in
   * force. Notes of progress made ahead of the spec in LaunchDarkly are kept as reported.
   */
  private Verdict settled(List<String> notes) {
    String message = notes.isEmpty() ? "LaunchDarkly matches the spec" : String.join("; ", notes);
    if (notApplied == null) {
      return Verdict.inSync(message);
    }
    String readyOnce =
        switch (notApplied) {
          case Reasons.GUARDIAN_NOT_APPLIED ->
              "the spec asks what LaunchDarkly keeps, or the phase completes";
          case Reasons.MOVE_BACK_NOT_APPLIED ->
              "the spec asks the phase Started or Complete again, or no longer lists it";
          default -> "the spec asks what LaunchDarkly keeps";
        };
    return Verdict.blocked(notApplied, message + ". Ready once " + readyOnce);
  }

  /**
   * What keeps LaunchDarkly's guardrails in place on a phase the spec wants started or complete: a
   * pending approval, or (for Complete) a guarded rollout being monitored. Null when nothing does.
   */
  private Verdict gate(ReleasePhase phase, PhaseSpec wanted, boolean startsNow) {
    List<ReleaseAudience> approvals =
        startsNow ? phase.audiencesRequiringApproval() : phase.audiencesAwaitingApproval();
    if (!approvals.isEmpty()) {
      return awaitingApproval(phase, approvals, startsNow);
    }
    Optional<PhaseStatus> seen = GuardrailsSeenBefore.of(phase, phasesBefore.get(phase.name()));
    List<ReleaseAudience> stillAwaiting =
        seen.map(before -> GuardrailsSeenBefore.stillAwaiting(phase, before)).orElse(List.of());
    if (!stillAwaiting.isEmpty()) {
      return awaitingApproval(phase, stillAwaiting, false);
    }
    String unshown = GuardrailsSeenBefore.unshown(phase, seen, pipelineGuardrails);
    if (GuardrailsSeenBefore.includesApproval(unshown)
        && wanted.getStatus() == DesiredPhaseStatus.Complete) {
      // a pending approval is never worked around: not even by forceComplete
      return unshownHolds(
          phase, unshown, " (approve it in LaunchDarkly, or complete the phase there)");
    }
    if (wanted.getStatus() != DesiredPhaseStatus.Complete || wanted.isForceComplete()) {
      return null;
    }
    Long seenEnd = seen.map(MonitoringWindow::recordedEnd).orElse(null);
    if (seenEnd != null) {
      return monitoredUntil(phase, seenEnd, true);
    }
    if (seen.filter(before -> GuardrailsSeenBefore.approvedUnseen(phase, before)).isPresent()) {
      return Verdict.waiting(
          Reasons.GUARDRAILS_NOT_SHOWN,
          approvedUnseen(phase)
              + ": not completed until a read does"
              + forceHint(phase, "completes it without knowing"));
    }
    if (phase.monitoringWindowMillis() > 0 || (startsNow && guardedInSpec(wanted))) {
      return monitoring(phase, wanted, startsNow);
    }
    if (unshown != null) {
      // the pipeline's word stands, on the safe side
      return unshownHolds(phase, unshown, forceHint(phase, "completes it without knowing"));
    }
    if (startedUnguarded(phase, wanted)) {
      // nothing will ever complete it: waiting would be forever, completing would skip the guardian
      return Verdict.blocked(
          Reasons.GUARDIAN_NOT_APPLIED,
          unguardedStart(phase, wanted)
              + ": nothing monitors it, so it is not completed. Set spec.phases["
              + specIndexByName.get(phase.name())
              + "].forceComplete to complete it unmonitored, or remove the releaseGuardian");
    }
    return null;
  }

  private static Verdict unshownHolds(ReleasePhase phase, String guardrail, String hint) {
    return Verdict.waiting(
        Reasons.GUARDRAILS_NOT_SHOWN,
        GuardrailsSeenBefore.unshownGuardrail(phase, guardrail)
            + ": not completed until a read shows whether it does"
            + hint);
  }

  /** A phase LaunchDarkly started unmonitored although the spec declares a guarded rollout. */
  private static boolean startedUnguarded(ReleasePhase phase, PhaseSpec wanted) {
    return phase.isStarted() && phase.monitoringWindowMillis() == 0 && guardedInSpec(wanted);
  }

  /**
   * The guarded rollout settings the spec changed after the phase started, which LaunchDarkly does
   * not apply (it takes them only at the start). The window is not compared: a test or sandbox
   * simulator shows windows shortened.
   */
  private Optional<String> guardianKept(ReleasePhase phase, PhaseSpec wanted) {
    List<String> kept = new ArrayList<>();
    List<AudienceSpec> audiences = wanted.getAudiences();
    for (int i = 0; i < audiences.size(); i++) {
      ReleaseGuardianSpec asked = audiences.get(i).getReleaseGuardian();
      ReleaseGuardianConfiguration live = phase.guardianOf(audiences.get(i).getName());
      String field =
          "spec.phases["
              + specIndexByName.get(phase.name())
              + "].audiences["
              + i
              + "].releaseGuardian";
      if (asked != null && live == null && phase.monitoringWindowMillis() > 0) {
        // another audience of the phase is guarded, so the phase as a whole does not say this one
        kept.add(
            field
                + " is declared, LaunchDarkly keeps audience '"
                + audiences.get(i).getName()
                + "' unguarded");
      }
      if (asked == null || live == null) {
        continue;
      }
      field += ".";
      if (asked.getRolloutWeight() != null
          && live.rolloutWeight() != null
          && !asked.getRolloutWeight().equals(live.rolloutWeight())) {
        kept.add(
            field
                + "rolloutWeight is "
                + asked.getRolloutWeight()
                + ", LaunchDarkly keeps "
                + live.rolloutWeight());
      }
      if (asked.getRandomizationUnit() != null
          && live.randomizationUnit() != null
          && !asked.getRandomizationUnit().equals(live.randomizationUnit())) {
        kept.add(
            field
                + "randomizationUnit is "
                + asked.getRandomizationUnit()
                + ", LaunchDarkly keeps "
                + live.randomizationUnit());
      }
      if (live.rollbackOnRegression() != null
          && asked.isRollbackOnRegression() != live.rollbackOnRegression()) {
        kept.add(
            field
                + "rollbackOnRegression is "
                + asked.isRollbackOnRegression()
                + ", LaunchDarkly keeps "
                + live.rollbackOnRegression());
      }
    }
    return kept.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "phase '"
                + phase.name()
                + "' started with other guarded rollout settings than the spec asks now: "
                + String.join("; ", kept)
                + "; it takes them only when a phase starts");
  }

  /** Says which guarded rollout of the spec LaunchDarkly did not apply when the phase started. */
  private String unguardedStart(ReleasePhase phase, PhaseSpec wanted) {
    List<AudienceSpec> audiences = wanted.getAudiences();
    int audience = 0;
    while (audiences.get(audience).getReleaseGuardian() == null) {
      audience++;
    }
    return "phase '"
        + phase.name()
        + "' started in LaunchDarkly without the guarded rollout spec.phases["
        + specIndexByName.get(phase.name())
        + "].audiences["
        + audience
        + "].releaseGuardian declares, and LaunchDarkly applies one only when a phase starts";
  }

  private Verdict monitoring(ReleasePhase phase, PhaseSpec wanted, boolean startsNow) {
    Long endsAt = MonitoringWindow.endsAt(phase, phasesBefore.get(phase.name()), readAt);
    if (startsNow || endsAt == null) {
      long window = Math.max(phase.monitoringWindowMillis(), windowInSpec(wanted));
      return Verdict.waitingUntil(
          Reasons.GUARDED_ROLLOUT,
          "phase '"
              + phase.name()
              + "' has a guarded rollout: LaunchDarkly monitors it for "
              + Durations.describe(Duration.ofMillis(window))
              + " after it starts, then completes it"
              + forceHint(phase, "skips the wait"),
          readAt == null ? null : readAt.plusMillis(window));
    }
    return monitoredUntil(phase, endsAt, true);
  }

  /** A phase approved since LaunchDarkly last showed its guardrails, read now without them. */
  static String approvedUnseen(ReleasePhase phase) {
    return "phase '"
        + phase.name()
        + "' was approved since a read last showed its audiences' configuration, and"
        + " LaunchDarkly's answer now leaves it out, so it does not say whether a guarded rollout"
        + " monitors the phase";
  }

  /** How forceComplete would end the wait on a phase the spec asks Complete. */
  private String forceHint(ReleasePhase phase, String what) {
    return " (spec.phases["
        + specIndexByName.get(phase.name())
        + "].forceComplete "
        + (ReleaseHolds.observes(spec) ? "in Manage mode " : "")
        + what
        + ")";
  }

  /**
   * A guarded rollout being monitored until {@code endsAt}: wait for it, or say it is overdue.
   * {@code forcible} when the spec asks the phase Complete, so forceComplete would end the wait.
   */
  private Verdict monitoredUntil(ReleasePhase phase, long endsAt, boolean forcible) {
    if (MonitoringWindow.overdue(phase, endsAt, readAt)) {
      // LaunchDarkly completes a phase as its window ends; one left started was likely rolled back
      return Verdict.blocked(
          Reasons.GUARDED_ROLLOUT_NOT_COMPLETED,
          "LaunchDarkly's monitoring of phase '"
              + phase.name()
              + "' was due to end at about "
              + Instant.ofEpochMilli(endsAt)
              + ", and LaunchDarkly has not completed the phase: a regression may have rolled the"
              + " rollout back. See the guarded rollout in LaunchDarkly; "
              + goesOn()
              + " once LaunchDarkly completes the phase"
              // not "skips the wait": completing it may put a rolled-back variation back
              + (forcible
                  ? forceHint(phase, "completes it anyway, without LaunchDarkly's verdict")
                  : ""));
    }
    return Verdict.waitingUntil(
        Reasons.GUARDED_ROLLOUT,
        "phase '"
            + phase.name()
            + "' is in a guarded rollout: LaunchDarkly monitors it until about "
            + Instant.ofEpochMilli(endsAt)
            + ", then completes it"
            + (forcible ? forceHint(phase, "skips the wait") : ""),
        Instant.ofEpochMilli(endsAt));
  }

  /**
   * Who is notified, and, once the phase started, the audience's status as LaunchDarkly words it:
   * LaunchDarkly documents no word but "active", so one that says the request was declined is shown
   * to a person rather than guessed at.
   */
  static String approvalDetails(ReleaseAudience audience, boolean started) {
    List<String> details = new ArrayList<>();
    if (started && audience.status() != null) {
      details.add("LaunchDarkly shows it '" + audience.status() + "'");
    }
    if (!audience.approvers().isEmpty()) {
      details.add("approvers notified: " + audience.approvers());
    }
    return details.isEmpty() ? "" : " (" + String.join("; ", details) + ")";
  }

  private Verdict awaitingApproval(
      ReleasePhase phase, List<ReleaseAudience> audiences, boolean startsNow) {
    String who =
        audiences.stream()
            .map(a -> "'" + a.name() + "'" + approvalDetails(a, !startsNow))
            .collect(Collectors.joining(", "));
    return Verdict.waiting(
        Reasons.AWAITING_APPROVAL,
        "phase '"
            + phase.name()
            + "' "
            + (startsNow ? "needs" : "waits for")
            + " approval in LaunchDarkly for audience"
            + (audiences.size() > 1 ? "s " : " ")
            + who
            + "; "
            + goesOn()
            + " once it is approved");
  }

  /** Who goes on: the operator in Manage; in Observe nobody writes, so it is said as Manage's. */
  private String goesOn() {
    return ReleaseHolds.observes(spec)
        ? "in Manage mode the operator would go on"
        : "the operator goes on";
  }

  private Verdict notCompleteYet(ReleasePhase phase) {
    if (phase.isPaused()) {
      return paused(phase); // listed or not: only a person resumes it
    }
    if (phase.isMovedBack() && wanted(phase) == null) {
      return movedBack(phase); // a later phase the spec wants waits on a person's decision
    }
    Long endsAt =
        phase.audiencesAwaitingApproval().isEmpty()
            ? MonitoringWindow.endsAt(phase, phasesBefore.get(phase.name()), readAt)
            : null;
    if (endsAt != null) {
      // LaunchDarkly completes it when the monitoring ends, or has rolled it back
      return monitoredUntil(phase, endsAt, false);
    }
    if (!specIndexByName.containsKey(phase.name())) {
      return Verdict.waiting(
          Reasons.WAITING_FOR_PHASE,
          "waiting for phase '"
              + phase.name()
              + "', which spec.phases does not list, to be completed in LaunchDarkly");
    }
    // no guarded rollout or approval of LaunchDarkly's ends it: a person completes it there, or
    // the spec asks Complete and the operator does (with forceComplete when it started without
    // the guarded rollout the spec declares, which holds a plain Complete back)
    String index = "spec.phases[" + specIndexByName.get(phase.name()) + "]";
    return Verdict.waiting(
        Reasons.WAITING_FOR_PHASE,
        "waiting for phase '"
            + phase.name()
            + "' to be completed in LaunchDarkly ("
            + index
            + ".status Complete"
            + (startedUnguarded(phase, wanted(phase)) ? " with " + index + ".forceComplete" : "")
            + (ReleaseHolds.observes(spec)
                ? " would have the operator complete it in Manage mode)"
                : " has the operator complete it)"));
  }

  /**
   * What the spec asks of the release as a whole that LaunchDarkly does not show: a variation other
   * than the one it releases, set only when a release is created. A release that names none (its
   * field is optional) is not compared.
   */
  private List<String> notesOnTheRelease() {
    List<String> notes = new ArrayList<>();
    String wanted = spec.getReleaseVariationId();
    String live = release.releaseVariationId();
    if (wanted != null && live != null && !wanted.equals(live)) {
      keptBy(Reasons.VARIATION_NOT_APPLIED);
      notes.add(
          "spec.releaseVariationId is '"
              + wanted
              + "' but the release releases variation '"
              + live
              + "': the variation is set only when a release is created, and the operator never"
              + " changes it on a live one");
    }
    return notes;
  }

  /**
   * Whether the spec asked this phase Started or Complete before and asks NotStarted now: a move
   * back the spec asks for (a reverted commit), not progress a person made ahead of it.
   */
  private boolean specMovedBack(ReleasePhase phase) {
    PhaseStatus before = phasesBefore.get(phase.name());
    return before != null
        && Objects.equals(before.getId(), phase.id())
        && before.getRequested() != null
        && before.getRequested() != DesiredPhaseStatus.NotStarted;
  }

  private String notMovedBack(ReleasePhase phase, boolean complete) {
    return "spec.phases["
        + specIndexByName.get(phase.name())
        + "].status asks NotStarted, but phase '"
        + phase.name()
        + "' is "
        + (complete ? "complete" : "started")
        + " in LaunchDarkly and still serves its audiences: phases never move backwards, so"
        + " nothing is written; to stop serving the release, act in LaunchDarkly";
  }

  /** The first reason LaunchDarkly keeps a setting the spec changed is the one said. */
  private void keptBy(String reason) {
    if (notApplied == null) {
      notApplied = reason;
    }
  }

  /** What was noted of earlier phases goes with whatever the plan stops at. */
  private static Verdict noted(Verdict verdict, List<String> notes) {
    return notes.isEmpty()
        ? verdict
        : verdict.withMessage(verdict.message() + "; " + String.join("; ", notes));
  }

  /** A later phase waits for the first one that is not complete, for the same reason. */
  private static Verdict waitingBefore(Verdict blocker, ReleasePhase phase) {
    return blocker.withMessage(blocker.message() + " before starting phase '" + phase.name() + "'");
  }

  private static Verdict paused(ReleasePhase phase) {
    return Verdict.blocked(
        Reasons.PHASE_PAUSED,
        "phase '"
            + phase.name()
            + "' is paused in LaunchDarkly; the operator does not resume a paused"
            + " phase. Resume it in LaunchDarkly to continue");
  }

  private Verdict movedBack(ReleasePhase phase) {
    Integer index = specIndexByName.get(phase.name());
    return Verdict.blocked(
        Reasons.PHASE_MOVED_BACK,
        "phase '"
            + phase.name()
            + "' started"
            + (phase.startedDate() == null
                ? ""
                : " at " + Instant.ofEpochMilli(phase.startedDate()))
            + ", and LaunchDarkly now shows it "
            + phase.status()
            + " (a guarded rollout rolled back, or a person moved it back); the operator does"
            + " not start it again. Start it in LaunchDarkly to continue"
            + (index == null ? "" : ", or set spec.phases[" + index + "].status NotStarted"));
  }

  /**
   * A phase of a pipeline read as legacy that has a guarded rollout or an approval (its pipeline's
   * definition says, or its audiences): what "legacy" means is not documented, and ticking such a
   * phase complete, or back, could go around LaunchDarkly's guardrails, so the operator does not.
   */
  private Optional<Verdict> guardedLegacy(ReleasePhase phase, boolean complete) {
    String guardrail =
        phase.audiences().stream().anyMatch(ReleaseAudience::requiresApproval)
            ? "an approval"
            : phase.monitoringWindowMillis() > 0
                ? "a guarded rollout"
                : pipelineGuardrails.get(phase.name());
    if (guardrail == null) {
      return Optional.empty();
    }
    return Optional.of(
        Verdict.blocked(
            Reasons.LEGACY_PHASE_GUARDED,
            "phase '"
                + phase.name()
                + "' has "
                + guardrail
                + " in LaunchDarkly, yet its release pipeline reads as legacy (phases ticked"
                + " complete by hand): the operator does not tick it "
                + (complete ? "complete" : "incomplete again")
                + " around LaunchDarkly's guardrails, and writes nothing. "
                + (complete ? "Complete it" : "Mark it incomplete")
                + " in LaunchDarkly, or set spec.phases["
                + specIndexByName.get(phase.name())
                + "].status to what LaunchDarkly shows"));
  }

  private ReleasePlan planLegacy() {
    List<LegacyPhaseChange> changes = new ArrayList<>();
    List<String> notes = notesOnTheRelease();
    for (int i = 0; i < release.phases().size(); i++) {
      ReleasePhase phase = release.phases().get(i);
      PhaseSpec wanted = wanted(phase);
      if (wanted == null) {
        continue;
      }
      boolean wantComplete = wanted.getStatus() == DesiredPhaseStatus.Complete;
      PhaseStatus before = phasesBefore.get(phase.name());
      boolean specMovedBack =
          before != null && before.getRequested() == DesiredPhaseStatus.Complete;
      if (wantComplete && !phase.isComplete()) {
        Optional<Verdict> guarded = guardedLegacy(phase, true);
        if (guarded.isPresent()) {
          return ReleasePlan.of(guarded.get()); // no write at all, as for an unknown status
        }
        changes.add(new LegacyPhaseChange(i, phase.name(), true));
      } else if (!wantComplete && phase.isComplete() && specMovedBack) {
        Optional<Verdict> guarded = guardedLegacy(phase, false);
        if (guarded.isPresent()) {
          return ReleasePlan.of(guarded.get());
        }
        changes.add(new LegacyPhaseChange(i, phase.name(), false));
      } else if (!wantComplete && phase.isComplete()) {
        notes.add(
            "phase '"
                + phase.name()
                + "' was marked complete in LaunchDarkly although the spec asks NotStarted;"
                + " progress made there is kept");
      }
    }
    Verdict done = settled(notes);
    return changes.isEmpty()
        ? ReleasePlan.of(done)
        : ReleasePlan.of(done, new PatchLegacyPhases(changes));
  }

  private SetPhaseStatus start(ReleasePhase phase, PhaseSpec wanted) {
    List<AudienceConfigInput> audiences = new ArrayList<>();
    for (AudienceSpec audienceSpec : wanted.getAudiences()) {
      ReleaseAudience audience =
          phase.audiences().stream()
              .filter(a -> Objects.equals(a.name(), audienceSpec.getName()))
              .findFirst()
              .orElseThrow();
      audiences.add(
          new AudienceConfigInput(
              audience.id(),
              guardian(audienceSpec.getReleaseGuardian()),
              audienceSpec.getNotifyMemberIds(),
              audienceSpec.getNotifyTeamKeys()));
    }
    return new SetPhaseStatus(phase.id(), phase.name(), ReleasePhase.STARTED, audiences);
  }

  private static boolean guardedInSpec(PhaseSpec wanted) {
    return wanted.getAudiences().stream().anyMatch(a -> a.getReleaseGuardian() != null);
  }

  private static long windowInSpec(PhaseSpec wanted) {
    return wanted.getAudiences().stream()
        .map(AudienceSpec::getReleaseGuardian)
        .filter(Objects::nonNull)
        .mapToLong(g -> Durations.toMillis(g.getMonitoringWindow()))
        .max()
        .orElse(0);
  }

  private static ReleaseGuardianConfiguration guardian(ReleaseGuardianSpec spec) {
    if (spec == null) {
      return null;
    }
    return new ReleaseGuardianConfiguration(
        Durations.toMillis(spec.getMonitoringWindow()),
        spec.getRolloutWeight(),
        spec.isRollbackOnRegression(),
        spec.getRandomizationUnit());
  }

  private PhaseSpec wanted(ReleasePhase phase) {
    Integer index = specIndexByName.get(phase.name());
    return index == null ? null : spec.getPhases().get(index);
  }
}
