package io.flagops.operator.simulator;

import io.flagops.operator.simulator.SimulatorSeed.AudienceSeed;
import io.flagops.operator.simulator.SimulatorSeed.GuardianSeed;
import io.flagops.operator.simulator.SimulatorSeed.PhaseSeed;
import io.flagops.operator.simulator.SimulatorSeed.PipelineSeed;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's own mutable model of one flag's release (deliberately not the operator's client
 * DTOs). Only {@link SimulatorState} changes it, under its lock.
 */
final class SimRelease {
  /** Audience status values; LaunchDarkly documents only "active". */
  static final String AUDIENCE_INACTIVE = "inactive";

  static final String AUDIENCE_ACTIVE = "active";

  /** A started audience that requires approval, until someone approves it. */
  static final String AUDIENCE_PENDING_APPROVAL = "pendingApproval";

  static final String AUDIENCE_PAUSED = "paused";
  static final String AUDIENCE_COMPLETE = "complete";

  final String projectKey;
  final String flagKey;
  final PipelineSeed pipeline;
  final String variationId;
  final List<Phase> phases = new ArrayList<>();
  long version = 1;
  Long canceledAt; // set when someone cancels the release in LaunchDarkly

  SimRelease(
      String projectKey, String flagKey, PipelineSeed pipeline, String variationId, long now) {
    this.projectKey = projectKey;
    this.flagKey = flagKey;
    this.pipeline = pipeline;
    this.variationId = variationId;
    for (int i = 0; i < pipeline.phases().size(); i++) {
      PhaseSeed seed = pipeline.phases().get(i);
      Phase phase = new Phase(Ids.phaseId(projectKey, pipeline.key(), i), seed.name(), now);
      if (!pipeline.legacy()) {
        phase.status = i == 0 ? PhaseStatus.READY_TO_START : PhaseStatus.NOT_STARTED;
      }
      for (AudienceSeed audience : seed.audiences()) {
        phase.audiences.add(new Audience(audience));
      }
      phases.add(phase);
    }
  }

  boolean legacy() {
    return pipeline.legacy();
  }

  static final class Phase {
    final String id;
    final String name;
    final long creationDate;
    final List<Audience> audiences = new ArrayList<>();
    // null on legacy releases, which predate phase statuses
    PhaseStatus status;
    // a status word LaunchDarkly does not document, shown instead of status (tests of the unknown)
    String shownStatus;
    boolean complete;
    Long startedDate; // null until the phase first starts
    Long completionDate;
    // when the current stretch of guarded monitoring began (start or resume)
    Long monitoringSince;

    Phase(String id, String name, long creationDate) {
      this.id = id;
      this.name = name;
      this.creationDate = creationDate;
    }

    /** The longest monitoring window of its guarded audiences, or 0 when none is guarded. */
    long longestWindow() {
      return audiences.stream()
          .filter(a -> a.guardian != null)
          .mapToLong(a -> a.guardian.monitoringWindowMilliseconds())
          .max()
          .orElse(0);
    }

    void setAudienceStatus(String value) {
      audiences.forEach(a -> a.status = value);
    }

    /** Started: audiences that require approval wait for it, the others go live. */
    void startAudiences() {
      audiences.forEach(
          a ->
              a.status =
                  a.requireApproval && !a.approved ? AUDIENCE_PENDING_APPROVAL : AUDIENCE_ACTIVE);
    }

    boolean awaitsApproval() {
      return audiences.stream().anyMatch(a -> AUDIENCE_PENDING_APPROVAL.equals(a.status));
    }
  }

  static final class Audience {
    final String id = Ids.fresh();
    final String name;
    final String environmentKey;
    final List<String> segmentKeys;
    final boolean requireApproval;
    GuardianSeed guardian;
    List<String> notifyMemberIds;
    List<String> notifyTeamKeys;
    String status = AUDIENCE_INACTIVE;
    boolean approved;

    Audience(AudienceSeed seed) {
      this.name = seed.name();
      this.environmentKey = seed.environmentKey();
      this.segmentKeys = seed.segmentKeys();
      this.requireApproval = seed.requireApproval();
      this.guardian = seed.releaseGuardian();
      this.notifyMemberIds = seed.notifyMemberIds();
      this.notifyTeamKeys = seed.notifyTeamKeys();
    }

    String releaseStrategy() {
      return releaseStrategy(guardian);
    }

    static String releaseStrategy(GuardianSeed guardian) {
      return guardian != null ? "monitoredRelease" : "immediate";
    }
  }
}
