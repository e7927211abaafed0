package io.flagops.operator.reconciler;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.launchdarkly.FlagRef;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import io.flagops.operator.reconciler.support.EventRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * LaunchDarkly in memory, for the reconciler's collaborators without HTTP or a server: one release
 * (the three-stage fixture: QA complete, Canary guarded and not started, Everyone after it), its
 * pipeline, and a log of the calls made.
 */
final class InMemoryLaunchDarkly implements LaunchDarklyClient {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  final List<String> calls = new ArrayList<>();
  final ObjectNode release = (ObjectNode) fixture("release-full.json");
  final ReleasePipeline pipeline = read(fixture("pipeline-automated.json"), ReleasePipeline.class);
  boolean exists = true;

  /** Runs before the next phase write: LaunchDarkly changing between a read and a write. */
  Runnable beforeNextPhaseWrite;

  /** Thrown by every phase write, when set. */
  LaunchDarklyException failPhaseWrites;

  /** Thrown by the next DELETE, when set; {@link #deleteMade} says whether it deleted first. */
  LaunchDarklyException failNextDelete;

  boolean deleteMade;

  /** Someone else deletes the release between the read and the DELETE (answered 404). */
  boolean goneBeforeDelete;

  /** Thrown by every call, when set. */
  LaunchDarklyException failEveryCall;

  InMemoryLaunchDarkly() {
    release.putNull("_canceledAt");
    phaseStatus(1, "NotStarted");
  }

  void phaseStatus(int phase, String status) {
    ObjectNode node = (ObjectNode) release.path("phases").get(phase);
    node.put("status", status);
    if (status.equals("NotStarted") || status.equals("ReadyToStart")) {
      // never started, as LaunchDarkly shows such a phase (a phase shown started once is not)
      node.put("started", false);
      node.remove("_startedDate");
    }
    release.put("_version", release.path("_version").asLong() + 1);
  }

  long version() {
    return release.path("_version").asLong();
  }

  @Override
  public Optional<Release> getRelease(AccessToken token, FlagRef flag) {
    answer("GET release");
    return exists ? Optional.of(read(release, Release.class)) : Optional.empty();
  }

  @Override
  public Optional<Release> getReleaseAgain(AccessToken token, FlagRef flag) {
    answer("GET release again");
    return exists ? Optional.of(read(release, Release.class)) : Optional.empty();
  }

  @Override
  public Optional<ReleasePipeline> getReleasePipeline(
      AccessToken token, String projectKey, String pipelineKey) {
    answer("GET pipeline");
    return Optional.of(pipeline);
  }

  @Override
  public Release updatePhaseStatus(
      AccessToken token, FlagRef flag, String phaseId, UpdatePhaseStatusInput input) {
    int index = phaseIndex(phaseId);
    String call =
        "PUT phase "
            + release.path("phases").get(index).path("_name").asText()
            + " "
            + input.status();
    if (failPhaseWrites != null) {
      calls.add(call + " (failed)");
      throw failPhaseWrites;
    }
    if (beforeNextPhaseWrite != null) {
      beforeNextPhaseWrite.run();
      beforeNextPhaseWrite = null;
    }
    if (input.status().equals(release.path("phases").get(index).path("status").asText())) {
      calls.add(call + " (refused)");
      throw new LaunchDarklyException.Rejected("phase is already " + input.status(), 400);
    }
    answer(call);
    phaseStatus(index, input.status());
    return read(release, Release.class);
  }

  @Override
  public boolean deleteRelease(AccessToken token, FlagRef flag) {
    answer("DELETE release");
    LaunchDarklyException failure = failNextDelete;
    failNextDelete = null;
    if (failure != null) {
      exists = exists && !deleteMade;
      throw failure;
    }
    boolean deleted = exists && !goneBeforeDelete;
    exists = false;
    return deleted;
  }

  @Override
  public Release createRelease(AccessToken token, FlagRef flag, CreateReleaseInput input) {
    throw new AssertionError("not used by these tests: create");
  }

  @Override
  public Release patchRelease(AccessToken token, FlagRef flag, List<PatchOperation> patch) {
    throw new AssertionError("an automated pipeline is never patched");
  }

  private void answer(String call) {
    if (failEveryCall != null) {
      calls.add(call + " (failed)");
      throw failEveryCall;
    }
    calls.add(call);
  }

  private int phaseIndex(String phaseId) {
    for (int i = 0; i < release.path("phases").size(); i++) {
      if (release.path("phases").get(i).path("_id").asText().equals(phaseId)) {
        return i;
      }
    }
    throw new AssertionError("no phase " + phaseId);
  }

  private static JsonNode fixture(String name) {
    try (InputStream in =
        InMemoryLaunchDarkly.class.getResourceAsStream("/launchdarkly/fixtures/" + name)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(JsonNode node, Class<T> type) {
    try {
      return JSON.treeToValue(node, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Events as "reason: message", never sent anywhere. */
  static final class RecordingEvents extends EventRecorder {
    private final List<String> recorded;

    RecordingEvents(List<String> recorded) {
      super(null, Clock.systemUTC());
      this.recorded = recorded;
    }

    @Override
    public void normal(FlagRelease resource, String reason, String message) {
      recorded.add(reason + ": " + message);
    }

    @Override
    public void warning(FlagRelease resource, String reason, String message) {
      recorded.add(reason + ": " + message);
    }
  }
}
