package io.flagops.operator.launchdarkly;

import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The LaunchDarkly "Releases (beta)" API. Reads never write. Every method throws a {@link
 * LaunchDarklyException} subtype on failure; a returned release has every field the schema
 * requires.
 */
public interface LaunchDarklyClient {
  /**
   * How the message of a failed read begins ("reading the release: LaunchDarkly answered 403"); a
   * failed write's message names the write ("updating the phase status: ...").
   */
  String READING = "reading the release";

  /** The flag's active release, or empty when it has none (404). */
  Optional<Release> getRelease(AccessToken token, FlagRef flag);

  /**
   * The release read again within a pass, after LaunchDarkly refused a write: a call that follows
   * the pass's first one, as its writes do, not a pass of its own waiting for a turn.
   */
  default Optional<Release> getReleaseAgain(AccessToken token, FlagRef flag) {
    return getRelease(token, flag);
  }

  /** The pipeline, or empty when the project has no pipeline with that key. */
  Optional<ReleasePipeline> getReleasePipeline(
      AccessToken token, String projectKey, String pipelineKey);

  /** Attaches the flag to a pipeline. Callers read first: a second create is not idempotent. */
  Release createRelease(AccessToken token, FlagRef flag, CreateReleaseInput input);

  /** Changes one phase's status on a release of an automated pipeline. */
  Release updatePhaseStatus(
      AccessToken token, FlagRef flag, String phaseId, UpdatePhaseStatusInput input);

  /** Applies a JSON Patch to a release of a legacy pipeline (phase complete flags only). */
  Release patchRelease(AccessToken token, FlagRef flag, List<PatchOperation> patch);

  /**
   * Deletes the flag's release. Idempotent: a release already gone (a 404) is no error.
   *
   * @return true when this call deleted it, false when LaunchDarkly had none to delete
   */
  boolean deleteRelease(AccessToken token, FlagRef flag);

  /**
   * How long until a pass for the flag may make its first call (the request budget's turn, reserved
   * now); zero when it may now.
   */
  default Duration untilTurn(AccessToken token, FlagRef flag) {
    return Duration.ZERO;
  }

  /** This API with one token, for every call of a pass. */
  default LaunchDarklySession as(AccessToken token) {
    return new LaunchDarklySession(this, token);
  }
}
