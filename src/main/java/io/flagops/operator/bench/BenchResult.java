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
