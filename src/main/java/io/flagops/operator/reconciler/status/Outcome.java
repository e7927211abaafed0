package io.flagops.operator.reconciler.status;

import io.flagops.operator.api.v1alpha1.ReleaseState;

/** What a reconcile concluded, in the words the status shows. */
public record Outcome(ReleaseState state, String reason, String message) {}
