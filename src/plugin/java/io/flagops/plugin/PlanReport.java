package io.flagops.plugin;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.launchdarkly.ApiCall;
import io.flagops.operator.launchdarkly.FlagRef;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.reconciler.SyncResult;
import io.flagops.operator.reconciler.plan.ReleaseAction;
import io.flagops.operator.reconciler.plan.ReleaseAction.CreateRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.DeleteRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.PatchLegacyPhases;
import io.flagops.operator.reconciler.plan.ReleaseAction.SetPhaseStatus;
import io.flagops.operator.reconciler.plan.Verdict;
import io.flagops.operator.reconciler.status.StatusFactory;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/** What plan prints: what LaunchDarkly has, each call with its reason, and where that leaves it. */
final class PlanReport {
  private final FlagRelease resource;
  private final FlagReleaseSpec spec;
  private final PrintWriter out;

  PlanReport(FlagRelease resource, PrintWriter out) {
    this.resource = resource;
    this.spec = resource.getSpec();
    this.out = out;
  }

  /** Suspended: no call, and a move the status shows unfinished waits too (as the status says). */
  void suspended() {
    header();
    out.println("No changes: spec.suspend is true, the operator makes no call to LaunchDarkly.");
    String waits = moveWaits();
    if (!waits.isEmpty()) {
      out.println(waits.strip());
    }
  }

  /**
   * " A move ... waits too ..." when the status shows a move unfinished, which whatever stops the
   * operator (a suspend, a spec error, a refused token) holds back too; else "".
   */
  String moveWaits() {
    return moveWaits(
        resource.getStatus() == null ? null : resource.getStatus().getUnfinishedMove());
  }

  /** {@link #moveWaits()} for the move a pass leaves (none once its read saw a release). */
  String moveWaits(Seen seen) {
    return moveWaits(StatusFactory.unfinishedMove(resource.getStatus(), seen));
  }

  private static String moveWaits(PipelineMove move) {
    return move == null
        ? ""
        : " A move of the release from pipeline '"
            + move.getFrom()
            + "' to '"
            + move.getTo()
            + "' is unfinished, and waits too: the flag may have no release until it goes on.";
  }

  /** Being deleted, and the deletion deletes the release (a change, whatever the spec says). */
  void deletes(String pipeline, ReleaseOrigin origin) {
    header();
    out.println(
        "Being deleted: the operator applies no spec change. It finishes the deletion with:");
    out.println(
        "  1. " + ApiCall.deleteRelease(new FlagRef(spec.getProjectKey(), spec.getFlagKey())));
    out.println(
        "     delete the release on pipeline '"
            + pipeline
            + "' (if LaunchDarkly still shows it there): this FlagRelease "
            + (origin == ReleaseOrigin.Created ? "created" : "adopted")
            + " it, deletionPolicy is "
            + spec.getDeletionPolicy()
            + (spec.isSuspend() ? "; it waits while spec.suspend is true" : ""));
  }

  /** After the create printed, the pass that reads the new release stops. */
  void stopsAfterCreate(Verdict stop) {
    out.println(
        "Then the operator would stop here ("
            + stop.reason()
            + "): "
            + stop.message()
            + " (applied as it is, the operator makes the call above, then stops).");
  }

  /**
   * Being deleted between the halves of a move: no call. A policy that would have deleted the
   * release leaves nothing to delete; another, or a DELETE that may not have gone out (the last
   * read still showed the release), leaves the flag maybe without a release (the operator warns
   * UnfinishedMoveLeft).
   */
  void leavesAfterAMove(PipelineMove move, String why, boolean policyDeletes, boolean stillSeen) {
    header();
    out.println(
        "No changes. Being deleted: the operator applies no spec change and makes no call ("
            + why
            + "), but a move from pipeline '"
            + move.getFrom()
            + "' to '"
            + move.getTo()
            + (stillSeen
                ? "' announced a DELETE that may not have been sent, or whose outcome is unknown"
                    + " (the last read still showed the release),"
                : "' deleted the release")
            + " and had not created it on '"
            + move.getTo()
            + (stillSeen
                ? "': the release may still be there, or the flag may have no release now; see"
                    + " LaunchDarkly."
                : policyDeletes
                    ? "': nothing is left to delete."
                    : "': the flag may have no release now; create it in LaunchDarkly if it"
                        + " should have one."));
  }

  /**
   * A deletion an operator of this version holds until a person acts (a policy value it does not
   * know): it makes no call meanwhile. A newer operator may know the value.
   */
  void deletionWaits(String why) {
    header();
    out.println(
        "No changes. Being deleted: an operator of this plugin's version makes no call and keeps"
            + " the finalizer, because "
            + why
            + ". An operator newer than this plugin may know the value and act on it: upgrade"
            + " the plugin to see what it does.");
  }

  /** Being deleted, and the release stays in LaunchDarkly. */
  void leaves(String why) {
    header();
    out.println(
        "No changes. Being deleted: the operator applies no spec change and leaves the release in"
            + " LaunchDarkly ("
            + why
            + ").");
  }

  void print(SyncResult result, String tokenSource, int reads, List<String> notes, FlagRef flag) {
    header();
    Release release = result.seen().release();
    out.println(
        "LaunchDarkly: "
            + (release == null ? "no release for this flag" : describe(release))
            + " (read with "
            + tokenSource
            + ", "
            + reads
            + (reads == 1 ? " GET)" : " GETs)"));
    notes.forEach(note -> out.println("  " + note));
    out.println();
    List<ReleaseAction> actions = result.plan().actions();
    Verdict verdict = result.plan().verdict();
    // the operator in Observe makes none of the calls: they are said as Manage's
    boolean observe = spec.getManagementPolicy() == ManagementPolicy.Observe;
    // in Observe, a stop also holds back a move left half done, as the status says
    String stopWaits = observe ? moveWaits(result.seen()) : "";
    String stop =
        "stop here ("
            + verdict.reason()
            + "): "
            + verdict.message()
            + (stopWaits.isEmpty() ? "" : "." + stopWaits);
    if (verdict.kind() == Verdict.Kind.BLOCKED && actions.isEmpty()) {
      out.println("The operator would " + stop);
      return;
    }
    if (actions.isEmpty()
        && verdict.kind() == Verdict.Kind.WAITING
        && writesRemain(spec, release)) {
      out.println(
          "No calls now, but LaunchDarkly does not match the spec yet: " + verdict.message());
      if (release != null && !release.releasePipelineKey().equals(spec.getReleasePipelineKey())) {
        out.println(
            "Once that changes, "
                + (observe ? "Manage would move" : "the operator moves")
                + " the release: "
                + ApiCall.deleteRelease(flag)
                + " (on pipeline '"
                + release.releasePipelineKey()
                + "'), then "
                + ApiCall.createRelease(flag)
                + " (on '"
                + spec.getReleasePipelineKey()
                + "').");
      } else {
        out.println(
            "Once that changes, "
                + (observe ? "Manage would make" : "the operator makes")
                + " the calls that remain.");
      }
      return;
    }
    if (actions.isEmpty()) {
      out.println("No changes. " + capitalize(verdict.message()));
      return;
    }
    out.println(
        (observe
                ? "managementPolicy is Observe: the operator makes none of these calls; Manage"
                    + " would make "
                : "The operator would make ")
            + actions.size()
            + (actions.size() == 1 ? " call:" : " calls, in order:"));
    for (int i = 0; i < actions.size(); i++) {
      ReleaseAction action = actions.get(i);
      out.println("  " + (i + 1) + ". " + action.call(flag));
      out.println("     " + action.describe() + ": " + why(action, release, actions, i));
    }
    if (verdict.kind() == Verdict.Kind.REPLAN) {
      out.println(
          "Then it reads the release again and plans what follows from LaunchDarkly's answer.");
    } else if (verdict.kind() == Verdict.Kind.BLOCKED) {
      // the calls that do not depend on it are made; the stop is said after them
      out.println("Then the operator would " + stop);
    } else {
      out.println("Then: " + verdict.message());
    }
  }

  /**
   * Whether, once what holds it now has passed, the operator still has a write to make: a move, a
   * phase to start, or a phase to complete that no guarded rollout completes by itself. Otherwise
   * LaunchDarkly finishes alone, and the plan is no change.
   */
  static boolean writesRemain(FlagReleaseSpec spec, Release release) {
    if (release == null || !release.releasePipelineKey().equals(spec.getReleasePipelineKey())) {
      return true;
    }
    for (PhaseSpec wanted : spec.getPhases()) {
      ReleasePhase phase =
          release.phases().stream()
              .filter(p -> p.name().equals(wanted.getName()))
              .findFirst()
              .orElse(null);
      if (phase == null || wanted.getStatus() == DesiredPhaseStatus.NotStarted) {
        continue;
      }
      boolean toStart = !phase.isStarted() && !phase.isComplete();
      boolean toComplete =
          wanted.getStatus() == DesiredPhaseStatus.Complete
              && !phase.isComplete()
              && (phase.monitoringWindowMillis() == 0 || wanted.isForceComplete());
      if (toStart || toComplete) {
        return true;
      }
    }
    return false;
  }

  private void header() {
    out.println(
        "FlagRelease "
            + resource.getMetadata().getNamespace()
            + "/"
            + resource.getMetadata().getName()
            + ": flag "
            + spec.getProjectKey()
            + "/"
            + spec.getFlagKey()
            + ", pipeline '"
            + spec.getReleasePipelineKey()
            + "', "
            + spec.valueAsWritten(FlagReleaseSpec.MANAGEMENT_POLICY, spec.getManagementPolicy())
            + (resource.getStatus() == null
                ? " (no status yet: not applied, or not reconciled yet)"
                : ""));
  }

  private String why(ReleaseAction action, Release release, List<ReleaseAction> all, int index) {
    if (action instanceof CreateRelease create) {
      boolean afterDelete = index > 0 && all.get(index - 1) instanceof DeleteRelease;
      PipelineMove begun =
          resource.getStatus() == null ? null : resource.getStatus().getUnfinishedMove();
      if (afterDelete) {
        return "finishes the move to spec.releasePipelineKey '" + create.pipelineKey() + "'";
      }
      return begun == null
          ? "LaunchDarkly has no release for this flag"
          : "finishes the move from pipeline '"
              + begun.getFrom()
              + "' an earlier pass began (its DELETE went through)"
              + (create.variationId() == null
                  ? ""
                  : ", keeping variation '" + create.variationId() + "'");
    }
    if (action instanceof DeleteRelease delete) {
      return "spec.releasePipelineKey is '"
          + delete.toKey()
          + "' and the release this resource owns is on '"
          + delete.pipelineKey()
          + "'";
    }
    if (action instanceof SetPhaseStatus set) {
      return "the spec asks "
          + wanted(set.phaseName())
          + ", LaunchDarkly shows "
          + statusOf(release, set.phaseName());
    }
    PatchLegacyPhases patch = (PatchLegacyPhases) action;
    return patch.changes().stream()
        .map(
            c ->
                "the spec asks '"
                    + c.phaseName()
                    + "' "
                    + wanted(c.phaseName())
                    + ", LaunchDarkly shows "
                    + statusOf(release, c.phaseName()))
        .collect(Collectors.joining("; "));
  }

  private String wanted(String phase) {
    return spec.getPhases().stream()
        .filter(p -> phase.equals(p.getName()))
        .findFirst()
        .map(PhaseSpec::getStatus)
        .map(Object::toString)
        .orElse("nothing");
  }

  private static String statusOf(Release release, String phase) {
    if (release == null) {
      return "no release";
    }
    return release.phases().stream()
        .filter(p -> phase.equals(p.name()))
        .findFirst()
        .map(PlanReport::statusOf)
        .orElse("no such phase");
  }

  private static String statusOf(ReleasePhase phase) {
    if (phase.status() != null) {
      return phase.status();
    }
    return Boolean.TRUE.equals(phase.complete()) ? "complete" : "incomplete";
  }

  private static String describe(Release release) {
    return "release on pipeline '"
        + release.releasePipelineKey()
        + "', version "
        + release.version()
        + ", phases "
        + release.phases().stream()
            .map(p -> p.name() + " " + statusOf(p))
            .collect(Collectors.joining(", "));
  }

  private static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
