package io.flagops.operator.simulator;

import java.util.Arrays;
import java.util.Optional;

/** The status of a phase of an automated release, with LaunchDarkly's spelling. */
enum PhaseStatus {
  NOT_STARTED("NotStarted"),
  READY_TO_START("ReadyToStart"),
  STARTED("Started"),
  PAUSED("Paused"),
  COMPLETE("Complete");

  final String json;

  PhaseStatus(String json) {
    this.json = json;
  }

  static Optional<PhaseStatus> parse(String value) {
    return Arrays.stream(values()).filter(s -> s.json.equals(value)).findFirst();
  }

  static String allowed() {
    return String.join(", ", Arrays.stream(values()).map(s -> s.json).toList());
  }
}
