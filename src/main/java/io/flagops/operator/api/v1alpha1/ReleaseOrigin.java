package io.flagops.operator.api.v1alpha1;

/** How the release this FlagRelease manages came to be its own; deletion depends on it. */
public enum ReleaseOrigin {
  /** This FlagRelease created the release: deleting the resource deletes it (policy Delete). */
  Created,
  /** The release existed and this FlagRelease adopted it: deletion leaves it unless asked. */
  Adopted
}
