package io.flagops.operator.api.v1alpha1;

/** One word for people reading {@code kubectl get fr}. */
public enum ReleaseState {
  /** Nothing observed in LaunchDarkly yet. */
  Pending,
  /** The operator is moving the release toward the spec, or waiting for LaunchDarkly. */
  Progressing,
  /** LaunchDarkly matches the spec. */
  Ready,
  /** {@code spec.suspend} is true: no calls to LaunchDarkly. */
  Suspended,
  /** Something a person must fix; the message says what. */
  Failed,
  /** The resource is being deleted. */
  Deleting
}
