package io.flagops.operator.reconciler.plan;

import java.util.List;

/** The writes that bring LaunchDarkly toward the spec, in order, and what is left after them. */
public record ReleasePlan(List<ReleaseAction> actions, Verdict verdict) {
  public ReleasePlan {
    actions = List.copyOf(actions);
  }

  public static ReleasePlan of(Verdict verdict, ReleaseAction... actions) {
    return new ReleasePlan(List.of(actions), verdict);
  }

  public boolean hasWrites() {
    return !actions.isEmpty();
  }
}
