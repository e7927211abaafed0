package io.flagops.operator.api.v1alpha1;

/** The status a FlagRelease asks for one phase of its release pipeline. */
public enum DesiredPhaseStatus {
  NotStarted,
  Started,
  Complete
}
