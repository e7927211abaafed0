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
    String extraCalls,
    CpuProfile.Result convergeCpu,
    CpuProfile.Result steadyCpu) {

  /** Small runs carry the operator's start, which the lower bound leaves out. */
  static final double MAX_RATIO_SMALL = 1.3;

  static final double MAX_RATIO_THOUSANDS = 1.05;
  static final double MAX_RATIO_TEN_THOUSANDS = 1.2;
  static final double MAX_FIRST_CALL_SECONDS = 5;

  /** Operator heap per 10,000 resources. */
  static final long MAX_HEAP_MIB_PER_10K = 100;

  /**
   * Share of its request budget the operator must use while it reads everything after a restart.
   */
  static final double MIN_RESTART_BUDGET_SHARE = 0.9;

  /**
   * The budget the benchmark sets: just under the account's limit. 9.7 R a window plus a burst of
   * R/10 stays under LaunchDarkly's 10 R per 10 s, and 0.97 leaves the 1.05x target reachable (a
   * budget of 0.95 R alone takes 1.053x the bound).
   */
  static final double BUDGET_SHARE_OF_LIMIT = 0.97;

  double maxRatio() {
    return resources >= 10_000
        ? MAX_RATIO_TEN_THOUSANDS
        : resources >= 1000 ? MAX_RATIO_THOUSANDS : MAX_RATIO_SMALL;
  }

  boolean convergeMet() {
    return ratio() <= maxRatio();
  }

  boolean callsMet() {
    return launchDarklyCalls == minimalCalls;
  }

  /** N reads per poll period (within the 10% jitter) and no write. */
  boolean steadyMet() {
    return steadyWrites == 0 && Math.abs(steadyGets - resources) <= resources / 10;
  }

  boolean firstCallMet() {
    return firstCallSeconds <= MAX_FIRST_CALL_SECONDS;
  }

  double budgetPerSecond() {
    return BUDGET_SHARE_OF_LIMIT * ratePerSecond;
  }

  boolean restartMet() {
    return restartMaxCallsPerSecond >= MIN_RESTART_BUDGET_SHARE * budgetPerSecond();
  }

  long maxHeapMiB() {
    return MAX_HEAP_MIB_PER_10K * Math.max(1, (resources + 9_999) / 10_000);
  }

  boolean heapMet() {
    return heapMiB <= maxHeapMiB();
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
