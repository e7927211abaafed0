package io.flagops.operator.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the benchmark's CPU goes, by component: JDK Flight Recorder samples the running threads,
 * each sample is put to the component its stack runs in, and the process's CPU time is shared out
 * in those proportions. The operator, the mock Kubernetes API and the simulator share one JVM, so
 * the stack is what tells them apart (their Vert.x threads even share names).
 */
final class CpuProfile {
  enum Component {
    /** The reconciler, JOSDK, its informers and clients. */
    OPERATOR("operator"),
    /** Fabric8's mock Kubernetes API server (the harness). */
    KUBERNETES_MOCK("mock Kubernetes API"),
    /** The LaunchDarkly simulator (the harness). */
    SIMULATOR("LaunchDarkly simulator"),
    /** The benchmark's own polling (the harness). */
    BENCHMARK("benchmark"),
    /** Network I/O with no application frame to say whose it is. */
    IO("unattributed I/O");

    final String label;

    Component(String label) {
      this.label = label;
    }
  }

  /** A method and how many samples had it on top of the stack, for one component. */
  record HotSpot(Component component, String method, long samples) {}

  record Result(double processCpuSeconds, Map<Component, Long> samples, List<HotSpot> hotSpots) {
    long totalSamples() {
      return samples.values().stream().mapToLong(Long::longValue).sum();
    }

    double cpuSeconds(Component component) {
      long total = totalSamples();
      return total == 0 ? 0 : processCpuSeconds * samples.getOrDefault(component, 0L) / total;
    }
  }

  private final Recording recording = new Recording();
  private final long cpuAtStart;

  private CpuProfile() {
    recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
    recording.setToDisk(true);
    recording.start();
    cpuAtStart = processCpuNanos();
  }

  static CpuProfile start() {
    return new CpuProfile();
  }

  Result stop() throws IOException {
    double cpu = (processCpuNanos() - cpuAtStart) / 1e9;
    recording.stop();
    Path file = Files.createTempFile("bench", ".jfr");
    try {
      recording.dump(file);
      return read(file, cpu);
    } finally {
      recording.close();
      Files.deleteIfExists(file);
    }
  }

  private static Result read(Path file, double cpuSeconds) throws IOException {
    Map<Component, Long> samples = new EnumMap<>(Component.class);
    Map<Component, Map<String, Long>> tops = new EnumMap<>(Component.class);
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      if (!"jdk.ExecutionSample".equals(event.getEventType().getName())
          || event.getStackTrace() == null
          || event.getStackTrace().getFrames().isEmpty()) {
        continue;
      }
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      Component component = componentOf(frames);
      samples.merge(component, 1L, Long::sum);
      RecordedFrame top = frames.get(0);
      String method = top.getMethod().getType().getName() + "." + top.getMethod().getName();
      tops.computeIfAbsent(component, c -> new HashMap<>()).merge(method, 1L, Long::sum);
    }
    List<HotSpot> hotSpots =
        tops.entrySet().stream()
            .flatMap(
                byComponent ->
                    byComponent.getValue().entrySet().stream()
                        .map(e -> new HotSpot(byComponent.getKey(), e.getKey(), e.getValue())))
            .sorted((a, b) -> Long.compare(b.samples(), a.samples()))
            .limit(12)
            .toList();
    return new Result(cpuSeconds, samples, hotSpots);
  }

  /** The component whose code the stack runs: the harness's servers serve the operator's calls. */
  static Component componentOf(List<RecordedFrame> frames) {
    boolean operator = false;
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      if (type.startsWith("io.fabric8.mockwebserver")
          || type.startsWith("io.fabric8.kubernetes.client.server.mock")) {
        return Component.KUBERNETES_MOCK;
      }
      if (type.startsWith("io.flagops.operator.simulator")
          || type.startsWith("com.sun.net.httpserver")
          || type.startsWith("sun.net.httpserver")) {
        return Component.SIMULATOR;
      }
      if (type.startsWith("io.flagops.operator.bench")) {
        return Component.BENCHMARK;
      }
      operator |=
          type.startsWith("io.flagops.operator")
              || type.startsWith("io.javaoperatorsdk")
              || type.startsWith("io.fabric8.kubernetes.client")
              || type.startsWith("jdk.internal.net.http");
    }
    return operator ? Component.OPERATOR : Component.IO;
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
