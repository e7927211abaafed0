package io.flagops.operator.api.v1alpha1;

/** Who made a change to a release, as far as the operator can tell. */
public enum ChangedBy {
  /** This operator's own write. */
  Operator,
  /**
   * LaunchDarkly on its own: a phase made ready to start when the one before it completed, or a
   * guarded rollout completing its phase when monitoring ended.
   */
  LaunchDarkly,
  /** Not this operator: someone in LaunchDarkly's UI or API, or another tool. */
  Unknown
}
