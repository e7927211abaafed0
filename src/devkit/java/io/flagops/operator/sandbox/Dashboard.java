package io.flagops.operator.sandbox;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Renders FlagReleases as one line each: name, pipeline, phases with symbols, state, message. */
final class Dashboard {
  static final String LEGEND = "phases: ✓ complete  ▶ started  ‖ paused  · not started";

  private Dashboard() {}

  static List<String> lines(List<FlagRelease> releases, int width) {
    List<FlagRelease> sorted = new ArrayList<>(releases);
    sorted.sort(
        Comparator.comparing((FlagRelease r) -> r.getMetadata().getNamespace())
            .thenComparing(r -> r.getMetadata().getName()));
    List<String> lines = new ArrayList<>();
    for (FlagRelease release : sorted) {
      lines.add(clip(line(release), width));
    }
    return lines;
  }

  static String line(FlagRelease release) {
    FlagReleaseStatus status = release.getStatus();
    String state = status == null || status.getState() == null ? "-" : status.getState().name();
    String message = status == null || status.getMessage() == null ? "" : status.getMessage();
    return String.format(
        "%-16s %-10s %-40s %-12s %s",
        release.getMetadata().getName(),
        release.getSpec().getReleasePipelineKey(),
        phases(status),
        state,
        message);
  }

  /** Ready or Suspended: nothing more will happen without a change. */
  static boolean settled(FlagRelease release) {
    return release.isSettledIn(ReleaseState.Ready) || release.isSettledIn(ReleaseState.Suspended);
  }

  private static String phases(FlagReleaseStatus status) {
    if (status == null || status.getPhases().isEmpty()) {
      return "(no release yet)";
    }
    StringBuilder text = new StringBuilder();
    for (PhaseStatus phase : status.getPhases()) {
      if (!text.isEmpty()) {
        text.append("  ");
      }
      text.append(phase.getName()).append(' ').append(symbol(phase));
    }
    return text.toString();
  }

  private static String symbol(PhaseStatus phase) {
    if (Boolean.TRUE.equals(phase.getComplete())) {
      return "✓";
    }
    if ("Paused".equals(phase.getStatus())) {
      return "‖";
    }
    return "Started".equals(phase.getStatus()) ? "▶" : "·";
  }

  private static String clip(String line, int width) {
    return line.length() <= width ? line : line.substring(0, Math.max(0, width - 1)) + "…";
  }
}
