package io.flagops.plugin;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.reconciler.support.EventRecorder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The events a pass would record, kept to print (plan records none in the cluster). */
final class PlanEvents extends EventRecorder {
  private final List<String> recorded = new ArrayList<>();

  PlanEvents() {
    super(null, Clock.systemUTC());
  }

  List<String> recorded() {
    return recorded;
  }

  @Override
  public void normal(FlagRelease resource, String reason, String message) {
    recorded.add(message);
  }

  @Override
  public void warning(FlagRelease resource, String reason, String message) {
    recorded.add(message);
  }
}
