package io.flagops.operator.api.v1alpha1;

/** What happens to the LaunchDarkly release when its FlagRelease is deleted. */
public enum DeletionPolicy {
  /** Deleting the FlagRelease deletes the release in LaunchDarkly. */
  Delete,
  /** Deleting the FlagRelease leaves the release in LaunchDarkly as it is. */
  Orphan
}
