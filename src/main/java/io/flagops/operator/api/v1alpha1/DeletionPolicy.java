package io.flagops.operator.api.v1alpha1;

/** What happens to the LaunchDarkly release when its FlagRelease is deleted. */
public enum DeletionPolicy {
  /**
   * Deleting the FlagRelease deletes the release it created. A release it found and adopted is left
   * in LaunchDarkly.
   */
  Delete,
  /** Like Delete, and a release the FlagRelease adopted is deleted too. */
  DeleteEvenIfAdopted,
  /** Deleting the FlagRelease leaves the release in LaunchDarkly as it is. */
  Orphan
}
