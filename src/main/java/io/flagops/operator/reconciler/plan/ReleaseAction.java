package io.flagops.operator.reconciler.plan;

import io.flagops.operator.launchdarkly.ApiCall;
import io.flagops.operator.launchdarkly.FlagRef;
import io.flagops.operator.launchdarkly.model.AudienceConfigInput;
import java.util.List;
import java.util.stream.Collectors;

/** One write to LaunchDarkly that a plan asks for. */
public sealed interface ReleaseAction {

  /** A sentence for events and logs. */
  String describe();

  /** The request that makes this write. */
  ApiCall call(FlagRef flag);

  /** Attach the flag to a pipeline. */
  record CreateRelease(String pipelineKey, String variationId) implements ReleaseAction {
    @Override
    public String describe() {
      return "create the release on pipeline '" + pipelineKey + "'";
    }

    @Override
    public ApiCall call(FlagRef flag) {
      return ApiCall.createRelease(flag);
    }
  }

  /** Remove the flag's release from {@code pipelineKey}, to create it again on {@code toKey}. */
  record DeleteRelease(String pipelineKey, String toKey) implements ReleaseAction {
    @Override
    public String describe() {
      return "delete the release on pipeline '" + pipelineKey + "' to move it to '" + toKey + "'";
    }

    @Override
    public ApiCall call(FlagRef flag) {
      return ApiCall.deleteRelease(flag);
    }
  }

  /** Start or complete one phase of an automated pipeline. */
  record SetPhaseStatus(
      String phaseId, String phaseName, String status, List<AudienceConfigInput> audiences)
      implements ReleaseAction {
    @Override
    public String describe() {
      String verb = "Started".equals(status) ? "start" : "complete";
      return verb + " phase '" + phaseName + "'";
    }

    @Override
    public ApiCall call(FlagRef flag) {
      return ApiCall.updatePhaseStatus(flag, phaseId);
    }
  }

  /** Mark phases of a legacy pipeline complete or not, in one JSON patch. */
  record PatchLegacyPhases(List<LegacyPhaseChange> changes) implements ReleaseAction {
    @Override
    public String describe() {
      return changes.stream()
          .map(
              c ->
                  "mark phase '"
                      + c.phaseName()
                      + "' "
                      + (c.complete() ? "complete" : "incomplete"))
          .collect(Collectors.joining(", "));
    }

    @Override
    public ApiCall call(FlagRef flag) {
      return ApiCall.patchRelease(flag);
    }
  }

  /** One phase of a legacy pipeline and the completion it should get. */
  record LegacyPhaseChange(int index, String phaseName, boolean complete) {}
}
