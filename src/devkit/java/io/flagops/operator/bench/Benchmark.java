package io.flagops.operator.bench;

import io.flagops.operator.embedded.EmbeddedOperator;
import io.flagops.operator.embedded.EmbeddedSettings;
import io.flagops.operator.simulator.CallLog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code make bench}: runs the operator in this JVM against the mock Kubernetes API and the
 * LaunchDarkly simulator for N FlagReleases and prints how it compares with what the rate limit
 * allows. Writes docs/benchmarks.{json,md,svg}.
 *
 * <p>Arguments (all optional): {@code --sizes 100,1000,10000,20000 --latency-ms 50 --rates
 * 20,20,200,400 --threads 20 --unrelated-secrets 10000 --out docs}. Each FlagRelease attaches a
 * flag to a two-phase pipeline and starts the first phase: at least 3 calls (read, create, start)
 * plus one pipeline read in all.
 */
public final class Benchmark {
  private static final Duration CONVERGENCE_POLL = Duration.ofHours(1);
  private static final Pattern FLAG_IN_PATH = Pattern.compile("/(flag-\\d+)/");

  private Benchmark() {}

  public static void main(String[] args) {
    int exitCode = 1;
    try {
      measure(args);
      exitCode = 0;
    } catch (Exception | Error e) {
      System.err.println("The benchmark failed: " + e);
      e.printStackTrace();
    } finally {
      System.exit(exitCode); // the mock server's threads are not daemons: end even on a failure
    }
  }

  private static void measure(String[] args) throws Exception {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    Map<String, String> options = options(args);
    int[] sizes = ints(options.getOrDefault("sizes", "100,1000,10000,20000"));
    int[] rates = ints(options.getOrDefault("rates", "20,20,200,400"));
    long latency = Long.parseLong(options.getOrDefault("latency-ms", "50"));
    int threads = Integer.parseInt(options.getOrDefault("threads", "20"));
    Path out = Path.of(options.getOrDefault("out", "docs"));
    List<BenchResult> results = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      int rate = rates[Math.min(i, rates.length - 1)];
      System.out.printf("%n== N=%d, latency %d ms, rate limit %d/s ==%n", sizes[i], latency, rate);
      BenchResult result = run(sizes[i], Duration.ofMillis(latency), rate, threads);
      BenchReport.print(result);
      results.add(result);
    }
    int unrelated = Integer.parseInt(options.getOrDefault("unrelated-secrets", "10000"));
    SecretsHeap secrets = unrelated > 0 ? secretsHeap(100, unrelated) : null;
    BenchReport.write(results, secrets, out);
    System.out.println("\nWrote " + out.resolve("benchmarks.md") + ", .json and .svg");
  }

  /**
   * The operator's heap with {@code unrelated} Secrets in the cluster (none of them token Secrets)
   * against none: it must not grow, since only labelled Secrets are cached.
   */
  record SecretsHeap(int resources, int unrelatedSecrets, long heapWithoutMiB, long heapWithMiB) {}

  static SecretsHeap secretsHeap(int n, int unrelated) throws Exception {
    System.out.printf(
        "%n== heap with %d unrelated Secrets in the cluster, N=%d ==%n", unrelated, n);
    long without = operatorHeap(n, 0);
    long with = operatorHeap(n, unrelated);
    System.out.printf(
        "operator heap: %d MiB with %d unrelated Secrets, %d MiB without%n",
        with, unrelated, without);
    return new SecretsHeap(n, unrelated, without, with);
  }

  private static long operatorHeap(int n, int unrelatedSecrets) throws Exception {
    try (BenchWorld world = new BenchWorld(n, Duration.ZERO, 1000)) {
      world.createUnrelatedSecrets(unrelatedSecrets);
      world.apply(n);
      long baseline = heapAfterGc();
      EmbeddedSettings settings =
          EmbeddedSettings.fast(world.launchDarkly.baseUrl(), BenchWorld.TOKEN)
              .withPolls(CONVERGENCE_POLL, Duration.ofSeconds(15));
      EmbeddedOperator operator = EmbeddedOperator.start(world.newOperatorClient(), settings, null);
      waitUntil(() -> world.readyCount() >= n, Duration.ofMinutes(5));
      long heap = Math.max(0, heapAfterGc() - baseline);
      operator.close();
      return heap / (1024 * 1024);
    }
  }

  static BenchResult run(int n, Duration latency, int rate, int threads) throws Exception {
    try (BenchWorld world = new BenchWorld(n, latency, rate)) {
      long applyStart = System.nanoTime();
      world.apply(n);
      double applySeconds = seconds(applyStart);

      // the budget a platform engineer would set: just under the account's limit, so that no
      // 10 s window ever holds more than LaunchDarkly allows (9.7 R sustained + R/10 at once)
      EmbeddedSettings settings =
          EmbeddedSettings.fast(world.launchDarkly.baseUrl(), BenchWorld.TOKEN)
              .withPolls(CONVERGENCE_POLL, Duration.ofSeconds(15))
              .withReconcileThreads(threads)
              .withBudget(BenchResult.BUDGET_SHARE_OF_LIMIT * rate, Math.max(1, rate / 10))
              .withProductionFaultHandling();
      CpuProfile convergeProfile = CpuProfile.start();
      Instant started = Instant.now();
      long t0 = System.nanoTime();
      EmbeddedOperator operator = EmbeddedOperator.start(world.newOperatorClient(), settings, null);
      waitUntil(
          () -> world.launchDarkly.calls().count(CallLog.UPDATE_PHASE, 200) >= n,
          Duration.ofHours(1));
      waitUntil(() -> world.readyCount() >= n, Duration.ofMinutes(10));
      double converge = seconds(t0);
      CpuProfile.Result convergeCpu = convergeProfile.stop();
      List<CallLog.Call> converging = world.launchDarkly.calls().entries();
      long calls = converging.size();
      String extraCalls = extraCalls(converging);
      long refused =
          converging.stream().filter(c -> c.status() >= 400 && c.status() != 404).count();
      long minimal = 3L * n + 1;
      double lowerBound =
          Math.max((double) minimal / rate, latency.toMillis() / 1000.0 * minimal / threads);
      double firstCall = firstCallAfter(converging, started);
      double firstReconcile = Duration.between(started, world.firstWriteAt()).toMillis() / 1000.0;
      long kubernetesWrites = world.kubernetesWrites();
      world.launchDarkly.calls().clear();
      // the operator's heap: with it running, less the same world once it stopped (the mock API
      // then still holds every status and Event it wrote, which is the harness's memory)
      long withOperator = heapAfterGc();
      long rss = rssMiB();
      operator.close();
      operator = null; // nothing of it may stay reachable while the rest is measured
      long heap = Math.max(0, withOperator - heapAfterGc());

      // a restart with a poll period the rate limit can sustain: spread, then steady state
      Duration period = Duration.ofSeconds(Math.max(20, (long) Math.ceil(1.5 * n / rate)));
      Instant restarted = Instant.now();
      operator =
          EmbeddedOperator.start(
              world.newOperatorClient(), settings.withPolls(period, Duration.ofSeconds(15)), null);
      waitUntil(
          () -> world.launchDarkly.calls().count(CallLog.GET_RELEASE) >= n, Duration.ofMinutes(30));
      List<CallLog.Call> restarting = world.launchDarkly.calls().entries();
      double restartFirst = firstCallAfter(restarting, restarted);
      double restartMax = maxPerSecond(restarting);
      // one more period before the window: right after the spread of first reads, the second
      // reads of the earliest land in it but those of the latest (up to the spread, plus the
      // jitter, later) do not, so a window placed there counts about 10 % less than one read per
      // resource; a period later the polls are spread over the whole period
      Thread.sleep(period.toMillis());
      world.launchDarkly.calls().clear();
      CpuProfile steadyProfile = CpuProfile.start();
      Instant windowStart = Instant.now();
      Thread.sleep(period.toMillis());
      List<CallLog.Call> steady = world.launchDarkly.calls().entries();
      CpuProfile.Result steadyCpu = steadyProfile.stop();
      operator.close();
      long[] tenths = tenths(steady, windowStart, period);
      return new BenchResult(
          n,
          latency.toMillis(),
          rate,
          threads,
          applySeconds,
          converge,
          lowerBound,
          calls,
          minimal,
          kubernetesWrites,
          firstReconcile,
          firstCall,
          restartFirst,
          restartMax,
          period.toSeconds(),
          refused,
          steady.stream().filter(c -> !c.isWrite()).count(),
          steady.stream().filter(CallLog.Call::isWrite).count(),
          Arrays.stream(tenths).min().orElse(0),
          Arrays.stream(tenths).max().orElse(0),
          heap / (1024 * 1024),
          rss,
          extraCalls,
          convergeCpu,
          steadyCpu);
    }
  }

  /**
   * Which routes the calls beyond three per flag (one pipeline read in all) went to, empty when
   * there were none.
   */
  private static String extraCalls(List<CallLog.Call> calls) {
    Map<String, List<CallLog.Call>> byFlag = new HashMap<>();
    for (CallLog.Call call : calls) {
      Matcher flag = FLAG_IN_PATH.matcher(call.path());
      byFlag
          .computeIfAbsent(flag.find() ? flag.group(1) : "(none)", k -> new ArrayList<>())
          .add(call);
    }
    Map<String, Long> extra = new TreeMap<>();
    List<String> example = new ArrayList<>();
    new TreeMap<>(byFlag)
        .forEach(
            (flag, list) -> {
              if (flag.equals("(none)") ? list.size() > 1 : list.size() > 3) {
                list.forEach(c -> extra.merge(c.route() + " " + c.status(), 1L, Long::sum));
                if (example.isEmpty()) {
                  example.add(flag + ": " + timeline(list));
                }
              }
            });
    return extra.isEmpty() ? "" : extra + "; for example " + example.get(0);
  }

  /** A flag's calls with the time each came after the first. */
  private static String timeline(List<CallLog.Call> calls) {
    Instant first = calls.get(0).at();
    List<String> steps = new ArrayList<>();
    for (CallLog.Call call : calls) {
      steps.add(
          String.format(
              Locale.ROOT,
              "%s %d at +%.2f s",
              call.method(),
              call.status(),
              Duration.between(first, call.at()).toMillis() / 1000.0));
    }
    return String.join(", ", steps);
  }

  private static double firstCallAfter(List<CallLog.Call> calls, Instant since) {
    return calls.stream()
        .map(CallLog.Call::at)
        .filter(at -> !at.isBefore(since))
        .min(Instant::compareTo)
        .map(at -> Duration.between(since, at).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }

  /** The most calls made in any one second. */
  private static double maxPerSecond(List<CallLog.Call> calls) {
    Map<Long, Long> perSecond = new HashMap<>();
    calls.forEach(c -> perSecond.merge(c.at().getEpochSecond(), 1L, Long::sum));
    return perSecond.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }

  /** Calls in each tenth of the period: how evenly the polls are spread. */
  private static long[] tenths(List<CallLog.Call> calls, Instant start, Duration period) {
    long[] counts = new long[10];
    long tenth = period.toMillis() / 10;
    for (CallLog.Call call : calls) {
      long index = Duration.between(start, call.at()).toMillis() / tenth;
      if (index >= 0 && index < 10) {
        counts[(int) index]++;
      }
    }
    return counts;
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  private static void waitUntil(BooleanSupplier done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the benchmark did not converge within " + timeout);
      }
      Thread.sleep(250);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static int[] ints(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return options;
  }
}
