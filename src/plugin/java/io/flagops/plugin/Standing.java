package io.flagops.plugin;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.reconciler.status.Conditions;
import java.util.Objects;

/** Where a FlagRelease stands for a CI job: done, stuck until a person acts, or on its way. */
enum Standing {
  READY,
  STALLED,
  IN_PROGRESS;

  /** Judged on the current generation only: a status about an older spec says nothing yet. */
  static Standing of(FlagRelease resource) {
    FlagReleaseStatus status = resource.getStatus();
    if (status == null
        || !Objects.equals(
            status.getObservedGeneration(), resource.getMetadata().getGeneration())) {
      return IN_PROGRESS;
    }
    if (Conditions.isTrue(status.getConditions(), ConditionTypes.READY)) {
      return READY;
    }
    if (Conditions.isTrue(status.getConditions(), ConditionTypes.STALLED)
        || status.getState() == ReleaseState.Failed) {
      return STALLED;
    }
    return IN_PROGRESS;
  }
}
