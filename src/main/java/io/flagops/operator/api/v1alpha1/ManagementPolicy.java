package io.flagops.operator.api.v1alpha1;

/** Whether the operator may write to LaunchDarkly for a FlagRelease. */
public enum ManagementPolicy {
  /** Create, advance and delete the release until LaunchDarkly matches the spec. */
  Manage,
  /** Only read the release and report how it differs from the spec; never write. */
  Observe
}
