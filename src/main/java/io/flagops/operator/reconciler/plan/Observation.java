package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the planner knows besides the spec: what LaunchDarkly holds and what the resource's
 * status remembers.
 *
 * @param release the flag's release, empty when it has none
 * @param legacy whether the release's pipeline is a legacy one
 * @param owned the release this resource created or adopted
 * @param phasesBefore the status's record of each phase from the last reconcile, by name: what the
 *     spec asked then (a legacy phase is marked incomplete again only when the spec moved it back
 *     from Complete) and when monitoring was seen to end
 * @param target the spec's pipeline as read from LaunchDarkly, needed before a release is moved
 * @param readAt when the release was read: to tell a guarded rollout LaunchDarkly should have
 *     completed by now; null when unknown
 * @param unfinishedMove a move that deleted the release and has not created the new one yet; null
 *     when none
 * @param completedPipelineKey the pipeline of the release the status last saw with every phase
 *     complete; null when none
 * @param pipelineGuardrails the guardrail the pipeline's definition gives each phase ("an
 *     approval", "a guarded rollout"), by phase name, when a phase's read shows none of its own: a
 *     legacy release's audiences carry no configuration, and an automated release's read may leave
 *     it out (an optional field); empty otherwise
 */
public record Observation(
    Optional<Release> release,
    boolean legacy,
    Ownership owned,
    Map<String, PhaseStatus> phasesBefore,
    Target target,
    Instant readAt,
    PipelineMove unfinishedMove,
    String completedPipelineKey,
    Map<String, String> pipelineGuardrails) {

  public static Observation of(Optional<Release> release, boolean legacy, Ownership owned) {
    return new Observation(
        release, legacy, owned, Map.of(), Target.UNREAD, null, null, null, Map.of());
  }

  public Observation withTarget(Target read) {
    return new Observation(
        release,
        legacy,
        owned,
        phasesBefore,
        read,
        readAt,
        unfinishedMove,
        completedPipelineKey,
        pipelineGuardrails);
  }

  public Observation withPhasesBefore(Map<String, PhaseStatus> before) {
    return new Observation(
        release,
        legacy,
        owned,
        before,
        target,
        readAt,
        unfinishedMove,
        completedPipelineKey,
        pipelineGuardrails);
  }

  public Observation at(Instant time) {
    return new Observation(
        release,
        legacy,
        owned,
        phasesBefore,
        target,
        time,
        unfinishedMove,
        completedPipelineKey,
        pipelineGuardrails);
  }

  public Observation withUnfinishedMove(PipelineMove move) {
    return new Observation(
        release,
        legacy,
        owned,
        phasesBefore,
        target,
        readAt,
        move,
        completedPipelineKey,
        pipelineGuardrails);
  }

  public Observation withCompletedPipelineKey(String pipelineKey) {
    return new Observation(
        release,
        legacy,
        owned,
        phasesBefore,
        target,
        readAt,
        unfinishedMove,
        pipelineKey,
        pipelineGuardrails);
  }

  /** What the pipeline's definition says of its phases' guardrails, by phase name. */
  public Observation withPipelineGuardrails(Map<String, String> guardrails) {
    return new Observation(
        release,
        legacy,
        owned,
        phasesBefore,
        target,
        readAt,
        unfinishedMove,
        completedPipelineKey,
        guardrails);
  }

  /**
   * Whether the flag has no release while the status records its release on {@code pipelineKey} as
   * completed: LaunchDarkly may stop returning a finished release, and making it again would run
   * its phases again.
   */
  public boolean completedAndGone(String pipelineKey) {
    return release.isEmpty() && unfinishedMove == null && pipelineKey.equals(completedPipelineKey);
  }

  /** The spec's pipeline: not read yet, read and missing, or read. */
  public record Target(boolean read, ReleasePipeline pipeline) {
    public static final Target UNREAD = new Target(false, null);
    public static final Target MISSING = new Target(true, null);

    public static Target of(ReleasePipeline pipeline) {
      return new Target(true, pipeline);
    }

    /** A pipeline as read: empty when the project has none by that key. */
    public static Target of(Optional<ReleasePipeline> pipeline) {
      return pipeline.map(Target::of).orElse(MISSING);
    }
  }
}
