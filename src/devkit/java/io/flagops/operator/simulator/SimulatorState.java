package io.flagops.operator.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flagops.operator.simulator.RequestBodies.AudienceInput;
import io.flagops.operator.simulator.RequestBodies.CompleteOp;
import io.flagops.operator.simulator.RequestBodies.CreateInput;
import io.flagops.operator.simulator.RequestBodies.GuardianInput;
import io.flagops.operator.simulator.RequestBodies.PhaseUpdate;
import io.flagops.operator.simulator.SimulatorSeed.FlagSeed;
import io.flagops.operator.simulator.SimulatorSeed.GuardianSeed;
import io.flagops.operator.simulator.SimulatorSeed.PipelineSeed;
import io.flagops.operator.simulator.SimulatorSeed.ProjectSeed;
import io.flagops.operator.simulator.SimulatorSeed.VariationSeed;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Projects, flags and pipelines from the seed, the releases made since, and LaunchDarkly's rules
 * for changing them. Every method is atomic: it holds the lock while it checks, changes and
 * renders. Guarded phases whose monitoring window has passed are completed lazily at the start of
 * each call.
 */
final class SimulatorState {
  private record FlagRef(String projectKey, String flagKey) {}

  private final Map<String, ProjectSeed> projects;

  /** Every seeded flag by project and key: looked up on every call, so not searched for. */
  private final Map<FlagRef, FlagSeed> flags = new HashMap<>();

  private final Clock clock;
  private final String createdAt;
  private final Map<FlagRef, SimRelease> releases = new HashMap<>();

  /**
   * Releases with a phase whose monitoring window may end: the only ones each request must look at,
   * so that a request costs the same with 10 or 10,000 releases.
   */
  private final Set<SimRelease> monitored = new LinkedHashSet<>();

  private double windowScale = 1.0;
  // releases' phases dated by their pipeline's phases (all one date), not by the release's making
  private boolean phasesDatedByPipeline;

  /** Flags whose guarded rollouts all roll back (see {@link #regress}). */
  private final Set<FlagRef> regressing = new HashSet<>();

  /** Pipelines a person deleted, as "project/pipeline": gone from every read until a reset. */
  private final Set<String> deletedPipelines = new HashSet<>();

  SimulatorState(SimulatorSeed seed, Clock clock) {
    this.projects =
        seed.projects().stream()
            .collect(
                Collectors.toMap(
                    ProjectSeed::key, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    projects
        .values()
        .forEach(p -> p.flags().forEach(f -> flags.putIfAbsent(new FlagRef(p.key(), f.key()), f)));
    this.clock = clock;
    this.createdAt = Instant.ofEpochMilli(clock.millis()).toString();
  }

  synchronized void reset() {
    releases.clear();
    monitored.clear();
    regressing.clear();
    deletedPipelines.clear();
    windowScale = 1.0;
    phasesDatedByPipeline = false;
  }

  /**
   * From now on a new release's phases carry one date, their pipeline's (here: the simulator's
   * start), as they would if LaunchDarkly's {@code _creationDate} were the pipeline phase's: it
   * does not document which. Releases made again on a pipeline then look alike by their dates.
   */
  synchronized void datePhasesByPipeline() {
    phasesDatedByPipeline = true;
  }

  synchronized void setWindowScale(double scale) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("the monitoring window scale must be positive");
    }
    completeDuePhases();
    windowScale = scale;
  }

  synchronized ObjectNode getRelease(String projectKey, String flagKey) {
    completeDuePhases();
    return ReleaseJson.release(existing(projectKey, flagKey), windowScale);
  }

  /** The body is read only after the flag is found, so an unknown flag answers 404 first. */
  synchronized ObjectNode createRelease(
      String projectKey, String flagKey, Supplier<CreateInput> body) {
    completeDuePhases();
    FlagSeed flag = flag(projectKey, flagKey);
    CreateInput input = body.get();
    PipelineSeed pipeline = pipeline(projectKey, input.releasePipelineKey());
    String variationId = input.releaseVariationId();
    if (!flag.isBoolean()) {
      throw ApiError.badRequest(
          "Flag '"
              + flagKey
              + "' is a '"
              + flag.kind()
              + "' flag; only boolean flags can be added to a release pipeline");
    }
    if (variationId != null
        && flag.variations().stream().map(VariationSeed::id).noneMatch(variationId::equals)) {
      throw ApiError.badRequest(
          "Unknown releaseVariationId '" + variationId + "' for flag '" + flagKey + "'");
    }
    FlagRef ref = new FlagRef(projectKey, flagKey);
    SimRelease current = releases.get(ref);
    if (current != null) {
      throw ApiError.badRequest(
          "Flag '"
              + flagKey
              + "' already has an active release on pipeline '"
              + current.pipeline.key()
              + "'");
    }
    long phasesCreated =
        phasesDatedByPipeline ? Instant.parse(createdAt).toEpochMilli() : clock.millis();
    SimRelease release = new SimRelease(projectKey, flagKey, pipeline, variationId, phasesCreated);
    releases.put(ref, release);
    return ReleaseJson.release(release, windowScale);
  }

  synchronized ObjectNode updatePhase(
      String projectKey, String flagKey, String phaseId, Supplier<PhaseUpdate> body) {
    completeDuePhases();
    SimRelease release = live(projectKey, flagKey);
    if (release.legacy()) {
      throw ApiError.badRequest(
          "The release of flag '"
              + flagKey
              + "' uses legacy pipeline '"
              + release.pipeline.key()
              + "'; mark its phases complete with a JSON patch instead");
    }
    int index = indexOfPhaseId(release, phaseId);
    applyStatus(release, index, body.get());
    release.version++;
    return ReleaseJson.release(release, windowScale);
  }

  /** The index of the named phase of the flag's release, for changes made by name (the UI). */
  synchronized int indexOfPhaseNamed(String projectKey, String flagKey, String phaseName) {
    SimRelease release = existing(projectKey, flagKey);
    for (int i = 0; i < release.phases.size(); i++) {
      if (release.phases.get(i).name.equals(phaseName)) {
        return i;
      }
    }
    throw ApiError.notFound("Phase '" + phaseName + "' not found");
  }

  synchronized String phaseId(String projectKey, String flagKey, String phaseName) {
    return existing(projectKey, flagKey)
        .phases
        .get(indexOfPhaseNamed(projectKey, flagKey, phaseName))
        .id;
  }

  synchronized ObjectNode patch(
      String projectKey, String flagKey, Supplier<List<CompleteOp>> body) {
    completeDuePhases();
    SimRelease release = live(projectKey, flagKey);
    if (!release.legacy()) {
      throw ApiError.badRequest(
          "The release of flag '"
              + flagKey
              + "' uses pipeline '"
              + release.pipeline.key()
              + "': releases can only be patched on legacy pipelines; use update phase status");
    }
    List<CompleteOp> ops = body.get();
    // Check every operation before changing anything: a patch applies all or nothing.
    for (CompleteOp op : ops) {
      if (op.index() >= release.phases.size()) {
        throw ApiError.badRequest(
            "Phase index "
                + op.index()
                + " is out of range; the release has "
                + release.phases.size()
                + " phases");
      }
    }
    long now = clock.millis();
    for (CompleteOp op : ops) {
      SimRelease.Phase phase = release.phases.get(op.index());
      if (op.complete() && !phase.complete) {
        phase.completionDate = now;
      } else if (!op.complete()) {
        phase.completionDate = null;
      }
      phase.complete = op.complete();
    }
    release.version++;
    return ReleaseJson.release(release, windowScale);
  }

  /**
   * Runs {@code change} to the flag's release and leaves its {@code _version} as it was: whether
   * LaunchDarkly bumps it on every change (a person's in its UI, say) is not documented.
   */
  synchronized void keepingVersion(String projectKey, String flagKey, Runnable change) {
    SimRelease release = live(projectKey, flagKey);
    long version = release.version;
    change.run();
    release.version = version;
  }

  /** Approves every audience of the phase that waits for approval, as an approver would. */
  synchronized void approve(String projectKey, String flagKey, String phaseName) {
    completeDuePhases();
    SimRelease release = live(projectKey, flagKey);
    SimRelease.Phase phase = release.phases.get(indexOfPhaseNamed(projectKey, flagKey, phaseName));
    if (!phase.awaitsApproval()) {
      throw ApiError.badRequest("Phase '" + phaseName + "' has no approval request pending");
    }
    phase.audiences.forEach(a -> a.approved = a.requireApproval || a.approved);
    phase.startAudiences();
    phase.monitoringSince = clock.millis();
    monitored.add(release);
    release.version++;
  }

  /** From now on the phase shows {@code status}, a word LaunchDarkly does not document. */
  synchronized void showStatus(String projectKey, String flagKey, String phaseName, String status) {
    completeDuePhases();
    SimRelease release = live(projectKey, flagKey);
    release.phases.get(indexOfPhaseNamed(projectKey, flagKey, phaseName)).shownStatus = status;
    release.version++;
  }

  /**
   * From now on every guarded rollout of the flag finds a regression and is rolled back: its
   * monitoring stops, and the phase stays started, never completed by the window. How LaunchDarkly
   * shows a rollback otherwise is not documented, so nothing else changes.
   */
  synchronized void regress(String projectKey, String flagKey) {
    flag(projectKey, flagKey);
    regressing.add(new FlagRef(projectKey, flagKey));
  }

  /** Cancels the release, as a person can in LaunchDarkly: it stays, but takes no more changes. */
  synchronized void cancel(String projectKey, String flagKey) {
    completeDuePhases();
    SimRelease release = live(projectKey, flagKey);
    release.canceledAt = clock.millis();
    release.version++;
  }

  synchronized void delete(String projectKey, String flagKey) {
    existing(projectKey, flagKey);
    releases.remove(new FlagRef(projectKey, flagKey));
  }

  /**
   * Deletes a pipeline as a person would. LaunchDarkly refuses to delete the default one; whether
   * it deletes one with releases on it is not documented, so that is refused here too.
   */
  synchronized void deletePipeline(String projectKey, String pipelineKey) {
    PipelineSeed pipeline = pipeline(projectKey, pipelineKey);
    if (isDefault(project(projectKey), pipeline)) {
      throw ApiError.badRequest("The default release pipeline cannot be deleted");
    }
    if (releases.values().stream().anyMatch(r -> r.pipeline == pipeline)) {
      throw ApiError.badRequest("Release pipeline '" + pipelineKey + "' has releases");
    }
    deletedPipelines.add(projectKey + "/" + pipelineKey);
  }

  synchronized ObjectNode pipelineJson(String projectKey, String pipelineKey) {
    ProjectSeed project = project(projectKey);
    PipelineSeed pipeline = pipeline(projectKey, pipelineKey);
    return ReleaseJson.pipeline(projectKey, pipeline, isDefault(project, pipeline), createdAt);
  }

  synchronized ObjectNode pipelinesJson(String projectKey) {
    ProjectSeed project = project(projectKey);
    ObjectNode node = ReleaseJson.object();
    ArrayNode items = node.putArray("items");
    List<PipelineSeed> pipelines =
        project.pipelines().stream().filter(p -> !deleted(projectKey, p)).toList();
    for (PipelineSeed pipeline : pipelines) {
      items.add(
          ReleaseJson.pipeline(projectKey, pipeline, isDefault(project, pipeline), createdAt));
    }
    node.put("totalCount", pipelines.size());
    return node;
  }

  /** Every project and flag with its release (null when none), for people and tests. */
  synchronized ObjectNode snapshot() {
    completeDuePhases();
    ObjectNode root = ReleaseJson.object();
    root.put("now", clock.millis());
    root.put("monitoringWindowScale", windowScale);
    ArrayNode projectsNode = root.putArray("projects");
    for (ProjectSeed project : projects.values()) {
      ObjectNode projectNode = projectsNode.addObject();
      projectNode.put("key", project.key());
      projectNode.put("name", project.name());
      ArrayNode pipelines = projectNode.putArray("pipelines");
      project.pipelines().stream()
          .filter(p -> !deleted(project.key(), p))
          .forEach(p -> pipelines.add(p.key()));
      ArrayNode flags = projectNode.putArray("flags");
      for (FlagSeed flag : project.flags()) {
        ObjectNode flagNode = flags.addObject();
        flagNode.put("key", flag.key());
        flagNode.put("kind", flag.kind());
        ArrayNode variations = flagNode.putArray("variations");
        for (VariationSeed variation : flag.variations()) {
          ObjectNode v = variations.addObject();
          v.put("_id", variation.id());
          v.set("value", Answer.MAPPER.valueToTree(variation.value()));
        }
        SimRelease release = releases.get(new FlagRef(project.key(), flag.key()));
        flagNode.set("release", release == null ? null : ReleaseJson.release(release, windowScale));
      }
    }
    return root;
  }

  // ---- phase status rules ----

  private void applyStatus(SimRelease release, int index, PhaseUpdate update) {
    SimRelease.Phase phase = release.phases.get(index);
    PhaseStatus from = phase.status;
    PhaseStatus to = update.status();
    if (!update.audiences().isEmpty() && to != PhaseStatus.STARTED) {
      throw ApiError.badRequest(
          "Audience configuration can only be given when starting a phase (status Started)");
    }
    String name = "Phase '" + phase.name + "'";
    long now = clock.millis();
    switch (to) {
      case STARTED -> {
        if (from == PhaseStatus.STARTED) {
          throw ApiError.badRequest(name + " is already started");
        }
        if (from == PhaseStatus.COMPLETE) {
          throw ApiError.badRequest(name + " is already complete and cannot start again");
        }
        if (from != PhaseStatus.PAUSED) {
          requireEarlierPhasesComplete(release, index);
        }
        configureAudiences(phase, update.audiences());
        phase.status = PhaseStatus.STARTED;
        if (phase.startedDate == null) {
          phase.startedDate = now;
        }
        phase.startAudiences();
        // a guarded rollout monitors only once the change is live, i.e. approved
        phase.monitoringSince = phase.awaitsApproval() ? null : now;
        if (phase.monitoringSince != null) {
          monitored.add(release);
        }
      }
      case PAUSED -> {
        if (from != PhaseStatus.STARTED) {
          throw ApiError.badRequest(
              name + " is " + from.json + "; only a started phase can be paused");
        }
        phase.status = PhaseStatus.PAUSED;
        phase.monitoringSince = null;
        phase.setAudienceStatus(SimRelease.AUDIENCE_PAUSED);
      }
      case COMPLETE -> {
        if (from == PhaseStatus.COMPLETE) {
          throw ApiError.badRequest(name + " is already complete");
        }
        if (from != PhaseStatus.STARTED && from != PhaseStatus.PAUSED) {
          throw ApiError.badRequest(name + " cannot complete before it has started");
        }
        complete(release, index, now);
      }
      case NOT_STARTED, READY_TO_START ->
          throw ApiError.badRequest(
              name
                  + " is "
                  + from.json
                  + " and cannot be set to "
                  + to.json
                  + "; phases only move forward (Started, Paused, Complete)");
    }
  }

  private void requireEarlierPhasesComplete(SimRelease release, int index) {
    for (int i = 0; i < index; i++) {
      SimRelease.Phase earlier = release.phases.get(i);
      if (!earlier.complete) {
        throw ApiError.badRequest(
            "Phase '"
                + release.phases.get(index).name
                + "' cannot start before phase '"
                + earlier.name
                + "' is complete");
      }
    }
  }

  private void configureAudiences(SimRelease.Phase phase, List<AudienceInput> inputs) {
    record Change(SimRelease.Audience audience, AudienceInput input, GuardianSeed guardian) {}
    // Resolve and merge everything first, so a bad entry leaves the phase unchanged.
    List<Change> changes = new ArrayList<>();
    for (AudienceInput input : inputs) {
      SimRelease.Audience audience =
          phase.audiences.stream()
              .filter(a -> a.id.equals(input.audienceId()))
              .findFirst()
              .orElseThrow(
                  () ->
                      ApiError.badRequest(
                          "Audience '"
                              + input.audienceId()
                              + "' does not belong to phase '"
                              + phase.name
                              + "'"));
      GuardianSeed guardian =
          input.guardian() == null ? audience.guardian : merge(audience, input.guardian());
      changes.add(new Change(audience, input, guardian));
    }
    for (Change change : changes) {
      change.audience().guardian = change.guardian();
      if (change.input().notifyMemberIds() != null) {
        change.audience().notifyMemberIds = change.input().notifyMemberIds();
      }
      if (change.input().notifyTeamKeys() != null) {
        change.audience().notifyTeamKeys = change.input().notifyTeamKeys();
      }
    }
  }

  /** Input fields override the audience's current guarded settings; the rest must exist. */
  private static GuardianSeed merge(SimRelease.Audience audience, GuardianInput input) {
    GuardianSeed current = audience.guardian;
    Long window =
        input.monitoringWindowMilliseconds() != null
            ? input.monitoringWindowMilliseconds()
            : current == null ? null : current.monitoringWindowMilliseconds();
    Integer weight =
        input.rolloutWeight() != null
            ? input.rolloutWeight()
            : current == null ? null : current.rolloutWeight();
    if (window == null || weight == null) {
      throw ApiError.badRequest(
          "releaseGuardianConfiguration of audience '"
              + audience.id
              + "' needs monitoringWindowMilliseconds and rolloutWeight");
    }
    boolean rollback =
        input.rollbackOnRegression() != null
            ? input.rollbackOnRegression()
            : current != null && current.rollbackOnRegression();
    String unit =
        input.randomizationUnit() != null
            ? input.randomizationUnit()
            : current == null ? null : current.randomizationUnit();
    return new GuardianSeed(window, weight, rollback, unit);
  }

  private void complete(SimRelease release, int index, long at) {
    SimRelease.Phase phase = release.phases.get(index);
    phase.status = PhaseStatus.COMPLETE;
    phase.complete = true;
    phase.completionDate = at;
    phase.monitoringSince = null;
    phase.setAudienceStatus(SimRelease.AUDIENCE_COMPLETE);
    if (index + 1 < release.phases.size()) {
      SimRelease.Phase next = release.phases.get(index + 1);
      if (next.status == PhaseStatus.NOT_STARTED) {
        next.status = PhaseStatus.READY_TO_START;
      }
    }
  }

  /** A started guarded phase completes when its longest window (times the scale) has passed. */
  private void completeDuePhases() {
    long now = clock.millis();
    for (var it = monitored.iterator(); it.hasNext(); ) {
      SimRelease release = it.next();
      boolean stillMonitored = false;
      if (release.canceledAt == null
          && releases.get(new FlagRef(release.projectKey, release.flagKey)) == release) {
        for (int i = 0; i < release.phases.size(); i++) {
          SimRelease.Phase phase = release.phases.get(i);
          if (phase.status != PhaseStatus.STARTED || phase.monitoringSince == null) {
            continue;
          }
          long window = phase.longestWindow();
          if (window == 0) {
            continue;
          }
          if (regressing.contains(new FlagRef(release.projectKey, release.flagKey))) {
            phase.monitoringSince = null; // rolled back: never completed by the window
            release.version++;
            continue;
          }
          long due = phase.monitoringSince + (long) Math.ceil(window * windowScale);
          if (now >= due) {
            complete(release, i, due);
            release.version++;
          } else {
            stillMonitored = true;
          }
        }
      }
      if (!stillMonitored) {
        it.remove();
      }
    }
  }

  // ---- lookups that answer 404 naming what is missing ----

  private ProjectSeed project(String projectKey) {
    ProjectSeed project = projects.get(projectKey);
    if (project == null) {
      throw ApiError.notFound("Unknown project '" + projectKey + "'");
    }
    return project;
  }

  private FlagSeed flag(String projectKey, String flagKey) {
    project(projectKey); // an unknown project is named first
    FlagSeed flag = flags.get(new FlagRef(projectKey, flagKey));
    if (flag == null) {
      throw ApiError.notFound("Unknown flag '" + flagKey + "' in project '" + projectKey + "'");
    }
    return flag;
  }

  private PipelineSeed pipeline(String projectKey, String pipelineKey) {
    return project(projectKey).pipelines().stream()
        .filter(p -> p.key().equals(pipelineKey) && !deleted(projectKey, p))
        .findFirst()
        .orElseThrow(
            () ->
                ApiError.notFound(
                    "Unknown release pipeline '"
                        + pipelineKey
                        + "' in project '"
                        + projectKey
                        + "'"));
  }

  private SimRelease existing(String projectKey, String flagKey) {
    flag(projectKey, flagKey);
    SimRelease release = releases.get(new FlagRef(projectKey, flagKey));
    if (release == null) {
      throw ApiError.notFound(
          "Release not found for flag '" + flagKey + "' in project '" + projectKey + "'");
    }
    return release;
  }

  /** The flag's release, which must not be canceled: a canceled release takes no changes. */
  private SimRelease live(String projectKey, String flagKey) {
    SimRelease release = existing(projectKey, flagKey);
    if (release.canceledAt != null) {
      throw ApiError.badRequest(
          "The release of flag '" + flagKey + "' was canceled and cannot be changed");
    }
    return release;
  }

  private static int indexOfPhaseId(SimRelease release, String phaseId) {
    for (int i = 0; i < release.phases.size(); i++) {
      if (release.phases.get(i).id.equals(phaseId)) {
        return i;
      }
    }
    throw ApiError.notFound("Phase '" + phaseId + "' not found");
  }

  private boolean deleted(String projectKey, PipelineSeed pipeline) {
    return deletedPipelines.contains(projectKey + "/" + pipeline.key());
  }

  // The first pipeline of a project is its default, as the first one created in LaunchDarkly is.
  private static boolean isDefault(ProjectSeed project, PipelineSeed pipeline) {
    return project.pipelines().get(0) == pipeline;
  }
}
