package io.flagops.operator.bench;

/**
 * What one benchmark run measured for N FlagReleases against a LaunchDarkly with latency L and rate
 * limit R.
 */
record BenchResult(
    int resources,
    long latencyMillis,
    int ratePerSecond,
    int reconcileThreads,
    double applySeconds,
    double convergeSeconds,
    double lowerBoundSeconds,
    long launchDarklyCalls,
    long minimalCalls,
    long kubernetesWrites,
    double firstReconcileSeconds,
    double firstCallSeconds,
    double restartFirstReconcileSeconds,
    double restartMaxCallsPerSecond,
    double steadyPeriodSeconds,
    long refusedCalls,
    long steadyGets,
    long steadyWrites,
    long steadyMinPerTenth,
    long steadyMaxPerTenth,
    long heapMiB,
    long rssMiB,
    String extraCalls) {

  /** The targets. */
  static final double MAX_RATIO = 1.3;

  static final double MAX_FIRST_RECONCILE_SECONDS = 5;
  static final long MAX_HEAP_MIB = 256;

  boolean convergeMet() {
    return ratio() <= MAX_RATIO;
  }

  boolean callsMet() {
    return launchDarklyCalls == minimalCalls;
  }

  /** N reads per poll period (within the 10% jitter) and no write. */
  boolean steadyMet() {
    return steadyWrites == 0 && Math.abs(steadyGets - resources) <= resources / 10;
  }

  boolean firstReconcileMet() {
    return firstReconcileSeconds < MAX_FIRST_RECONCILE_SECONDS;
  }

  boolean heapMet() {
    return heapMiB < MAX_HEAP_MIB;
  }

  double ratio() {
    return convergeSeconds / lowerBoundSeconds;
  }

  double callsPerResource() {
    return (double) launchDarklyCalls / resources;
  }

  double minimalCallsPerResource() {
    return (double) minimalCalls / resources;
  }

  double kubernetesWritesPerResource() {
    return (double) kubernetesWrites / resources;
  }
}
