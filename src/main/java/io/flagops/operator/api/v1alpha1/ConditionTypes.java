package io.flagops.operator.api.v1alpha1;

/** Condition types of a FlagRelease, following kstatus conventions. */
public final class ConditionTypes {
  /** True only when LaunchDarkly matches the spec. */
  public static final String READY = "Ready";

  /** True while the operator is still converging. */
  public static final String RECONCILING = "Reconciling";

  /** True only when a person must act before progress can resume. */
  public static final String STALLED = "Stalled";

  private ConditionTypes() {}
}
