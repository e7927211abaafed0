package io.flagops.plugin;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseState;
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
    if (isTrue(status, ConditionTypes.READY)) {
      return READY;
    }
    if (isTrue(status, ConditionTypes.STALLED) || status.getState() == ReleaseState.Failed) {
      return STALLED;
    }
    return IN_PROGRESS;
  }

  private static boolean isTrue(FlagReleaseStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .map(FlagReleaseCondition::getStatus)
        .anyMatch("True"::equals);
  }
}
