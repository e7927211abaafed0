package io.flagops.operator.simulator;

import io.flagops.operator.simulator.RequestBodies.CompleteOp;
import io.flagops.operator.simulator.RequestBodies.CreateInput;
import io.flagops.operator.simulator.RequestBodies.PhaseUpdate;
import java.util.List;
import java.util.function.Supplier;

/**
 * Changes made "as a person in the LaunchDarkly UI": the same rules as the API (and a new {@code
 * _version}), but no auth, no faults and no call-log entry. Phases are named, not ids. Unknown
 * project, flag, pipeline, release or phase: {@link IllegalArgumentException}; a change the rules
 * refuse: {@link IllegalStateException}.
 */
public final class SimulatorUi {
  private final SimulatorState state;

  SimulatorUi(SimulatorState state) {
    this.state = state;
  }

  public void createRelease(String projectKey, String flagKey, String pipelineKey) {
    run(() -> state.createRelease(projectKey, flagKey, () -> new CreateInput(pipelineKey, null)));
  }

  /**
   * New releases' phases carry their pipeline's one date rather than the time each release was
   * made: LaunchDarkly does not document which {@code _creationDate} is.
   */
  public void datePhasesByPipeline() {
    run(
        () -> {
          state.datePhasesByPipeline();
          return null;
        });
  }

  public void deleteRelease(String projectKey, String flagKey) {
    run(
        () -> {
          state.delete(projectKey, flagKey);
          return null;
        });
  }

  /** Deletes a pipeline that is not the default and has no release on it. */
  public void deletePipeline(String projectKey, String pipelineKey) {
    run(
        () -> {
          state.deletePipeline(projectKey, pipelineKey);
          return null;
        });
  }

  public void startPhase(String projectKey, String flagKey, String phaseName) {
    setStatus(projectKey, flagKey, phaseName, PhaseStatus.STARTED);
  }

  public void completePhase(String projectKey, String flagKey, String phaseName) {
    setStatus(projectKey, flagKey, phaseName, PhaseStatus.COMPLETE);
  }

  /**
   * Makes a person's {@code changes} to the flag's release (calls on this UI) and leaves its {@code
   * _version} as it was: LaunchDarkly does not document that every change bumps it.
   */
  public void keepingVersion(String projectKey, String flagKey, Runnable changes) {
    run(
        () -> {
          state.keepingVersion(projectKey, flagKey, changes);
          return null;
        });
  }

  public void pausePhase(String projectKey, String flagKey, String phaseName) {
    setStatus(projectKey, flagKey, phaseName, PhaseStatus.PAUSED);
  }

  /** Approves the pending approval requests of a started phase. */
  public void approvePhase(String projectKey, String flagKey, String phaseName) {
    run(
        () -> {
          state.approve(projectKey, flagKey, phaseName);
          return null;
        });
  }

  /**
   * From now on the phase shows a status LaunchDarkly does not document, as a status added to
   * LaunchDarkly after the operator was built would; nothing else about the phase changes.
   */
  public void showPhaseStatus(String projectKey, String flagKey, String phaseName, String status) {
    run(
        () -> {
          state.showStatus(projectKey, flagKey, phaseName, status);
          return null;
        });
  }

  /**
   * Every guarded rollout of the flag, from now on, finds a regression and rolls back: it is never
   * completed by its window.
   */
  public void regressGuardedRollouts(String projectKey, String flagKey) {
    run(
        () -> {
          state.regress(projectKey, flagKey);
          return null;
        });
  }

  /** Cancels the release: LaunchDarkly keeps it (with {@code _canceledAt}) but refuses changes. */
  public void cancelRelease(String projectKey, String flagKey) {
    run(
        () -> {
          state.cancel(projectKey, flagKey);
          return null;
        });
  }

  /** Marks a phase of a legacy release complete or not, as the JSON patch does. */
  public void setLegacyPhaseComplete(
      String projectKey, String flagKey, String phaseName, boolean complete) {
    run(
        () -> {
          int index = state.indexOfPhaseNamed(projectKey, flagKey, phaseName);
          return state.patch(projectKey, flagKey, () -> List.of(new CompleteOp(index, complete)));
        });
  }

  private void setStatus(String projectKey, String flagKey, String phaseName, PhaseStatus status) {
    run(
        () ->
            state.updatePhase(
                projectKey,
                flagKey,
                state.phaseId(projectKey, flagKey, phaseName),
                () -> new PhaseUpdate(status, List.of())));
  }

  private static void run(Supplier<?> change) {
    try {
      change.get();
    } catch (ApiError e) {
      if (e.status == 404) {
        throw new IllegalArgumentException(e.getMessage());
      }
      throw new IllegalStateException(e.getMessage());
    }
  }
}
