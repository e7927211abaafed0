package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * 50 FlagReleases with random specs, then random edits and deletes, while LaunchDarkly is slow,
 * fails 10% of calls, storms with 429s and drops connections, and the operator is stopped and
 * started again twice. At the end LaunchDarkly matches every live resource exactly, and nothing was
 * written twice or written where it must not be.
 */
class ChaosIT extends EmbeddedOperatorCase {
  private static final int RESOURCES = 50;
  private static final List<String> THREE_STEP = List.of("Alpha", "Beta", "Gamma");
  private static final List<String> TWO_STEP = List.of("One", "Two");
  private static final List<String> BY_HAND = List.of("First", "Second");

  private final Random random = new Random(20261128);
  private final Map<String, Model> models = new LinkedHashMap<>();

  /** What the test asked of one FlagRelease, to check LaunchDarkly against at the end. */
  static final class Model {
    final String name;
    String pipeline;
    int level;
    boolean[] legacyComplete = new boolean[2];
    DeletionPolicy deletion;
    boolean observe;
    boolean suspend;
    boolean deleted;
    int expectedCreates;

    Model(String name) {
      this.name = name;
    }
  }

  @Test
  void everythingConvergesThroughFaultsAndRestartsWithNothingLostOrDoubled() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    harness.simulator.setMonitoringWindowScale(0.0005); // Gamma's 1 h guarded window: 1.8 s
    harness
        .simulator
        .faults()
        .seed(7)
        .latency(Duration.ofMillis(10))
        .serverErrorRate(0.1)
        .dropConnectionRate(0.02);
    EmbeddedSettings settings = EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN);
    long started = System.nanoTime();
    operator = EmbeddedOperator.start(harness.newClient(), settings, null);

    for (int i = 1; i <= RESOURCES; i++) {
      Model model = randomModel(String.format("c-%02d", i));
      models.put(model.name, model);
      harness.create(model.name, spec(model));
    }
    awaitCalls(RESOURCES); // well under way
    harness.simulator.faults().rateLimitStorm(Duration.ofMillis(1500), Duration.ofSeconds(1));
    restart(settings); // stop mid-work, as a rolling update would
    editAndDelete(15, 10);
    awaitCalls(RESOURCES);
    harness.simulator.faults().rateLimitStorm(Duration.ofMillis(1500), Duration.ofSeconds(1));
    restart(settings);

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(this::everyLiveResourceSettled);
    double seconds = (System.nanoTime() - started) / 1e9;

    for (Model model : models.values()) {
      checkLaunchDarkly(model);
    }
    // a GET per resource per poll (1 s, less 10% jitter), plus a few calls each for its writes
    // and the retries of faulted calls
    long bound = (long) (RESOURCES * (seconds / 0.9 + 5));
    assertThat((long) harness.simulator.calls().size())
        .as("LaunchDarkly calls in %.1f s, by route and status: %s", seconds, report())
        .isLessThan(bound);
  }

  /** Waits until LaunchDarkly got {@code more} calls than it has now. */
  private void awaitCalls(int more) {
    int now = harness.simulator.calls().size();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> harness.simulator.calls().size() >= now + more);
  }

  private Model randomModel(String name) {
    Model model = new Model(name);
    int kind = random.nextInt(10);
    model.observe = kind == 0;
    model.suspend = kind == 1;
    model.pipeline = List.of("three-step", "two-step", "by-hand").get(random.nextInt(3));
    model.deletion =
        random.nextBoolean() || model.suspend ? DeletionPolicy.Orphan : DeletionPolicy.Delete;
    if (model.observe) {
      model.pipeline = "two-step";
      harness.simulator.ui().createRelease("chaos", name, "two-step"); // what Observe will find
    } else if (!model.suspend) {
      model.level = random.nextInt(levels(model.pipeline));
      model.legacyComplete = new boolean[] {random.nextBoolean(), random.nextBoolean()};
      model.expectedCreates = 1;
    }
    return model;
  }

  private void editAndDelete(int edits, int deletes) {
    List<Model> managed =
        models.values().stream().filter(m -> !m.observe && !m.suspend).collect(Collectors.toList());
    for (int i = 0; i < edits && !managed.isEmpty(); i++) {
      Model model = managed.remove(random.nextInt(managed.size()));
      switch (random.nextInt(3)) {
        case 0 ->
            model.level = Math.min(levels(model.pipeline) - 1, model.level + 1 + random.nextInt(2));
        case 1 -> model.legacyComplete[random.nextInt(2)] ^= true;
        default -> {
          if (!model.pipeline.equals("by-hand")) {
            model.pipeline = model.pipeline.equals("three-step") ? "two-step" : "three-step";
            model.level = random.nextInt(levels(model.pipeline));
            model.expectedCreates++;
          }
        }
      }
      harness.editSpec(model.name, spec(model));
    }
    List<Model> all = new ArrayList<>(models.values());
    for (int i = 0; i < deletes; i++) {
      Model model = all.remove(random.nextInt(all.size()));
      model.deleted = true;
      harness
          .client
          .resources(FlagRelease.class)
          .inNamespace(Harness.NAMESPACE)
          .withName(model.name)
          .delete();
    }
  }

  private void restart(EmbeddedSettings settings) {
    operator.close();
    operator = EmbeddedOperator.start(harness.newClient(), settings, null);
  }

  private boolean everyLiveResourceSettled() {
    for (Model model : models.values()) {
      FlagRelease release = harness.get(model.name);
      if (model.deleted) {
        if (release != null) {
          return false;
        }
        continue;
      }
      ReleaseState wanted = model.suspend ? ReleaseState.Suspended : ReleaseState.Ready;
      if (release == null || !release.isSettledIn(wanted)) {
        return false;
      }
    }
    return true;
  }

  private void checkLaunchDarkly(Model model) {
    var release = harness.simulator.release("chaos", model.name);
    List<CallLog.Call> calls = callsFor(model.name);
    List<CallLog.Call> writes = calls.stream().filter(CallLog.Call::isWrite).toList();
    if (model.suspend) {
      assertThat(calls).as(model.name + " suspended: no call at all").isEmpty();
      return;
    }
    if (model.observe) {
      assertThat(writes).as(model.name + " observe: no write").isEmpty();
      assertThat(release).as(model.name + " observe: release untouched").isPresent();
      return;
    }
    // creates and deletes that went through alternate: never a second create over a release
    List<String> lifecycle =
        writes.stream()
            .filter(c -> c.status() == 200 || c.status() == 204)
            .map(CallLog.Call::route)
            .filter(r -> r.equals(CallLog.CREATE_RELEASE) || r.equals(CallLog.DELETE_RELEASE))
            .toList();
    for (int i = 0; i < lifecycle.size(); i++) {
      String expected = i % 2 == 0 ? CallLog.CREATE_RELEASE : CallLog.DELETE_RELEASE;
      assertThat(lifecycle.get(i)).as(model.name + ": " + lifecycle).isEqualTo(expected);
    }
    long creates = lifecycle.stream().filter(CallLog.CREATE_RELEASE::equals).count();
    // an edit or delete that came before the release was created saves that create
    assertThat(creates).as(model.name + ": creates").isBetween(0L, (long) model.expectedCreates);
    assertThat(release.isPresent())
        .as(
            model.name
                + ": a release exists exactly when the last of "
                + lifecycle
                + " is a create")
        .isEqualTo(lifecycle.size() % 2 == 1);
    assertThat(writes).as(model.name + ": no refused write").noneMatch(c -> c.status() == 400);
    if (model.deleted) {
      if (model.deletion == DeletionPolicy.Delete) {
        assertThat(release).as(model.name + " deleted with Delete").isEmpty();
      }
      return;
    }
    JsonNode json = release.orElseThrow(() -> new AssertionError(model.name + " has no release"));
    assertThat(json.path("releasePipelineKey").asText()).as(model.name).isEqualTo(model.pipeline);
    List<PhaseSpec> desired = phases(model);
    for (PhaseSpec phase : desired) {
      JsonNode actual = phaseNamed(json, phase.getName());
      boolean complete = actual.path("complete").asBoolean();
      boolean started = complete || "Started".equals(actual.path("status").asText());
      switch (phase.getStatus()) {
        case Complete -> assertThat(complete).as(model.name + " " + phase.getName()).isTrue();
        case Started -> assertThat(started).as(model.name + " " + phase.getName()).isTrue();
        case NotStarted ->
            assertThat(model.pipeline.equals("by-hand") ? complete : started)
                .as(model.name + " " + phase.getName())
                .isFalse();
      }
    }
  }

  private Map<String, Map<Integer, Long>> report() {
    return harness.simulator.calls().countsByRouteAndStatus();
  }

  private List<CallLog.Call> callsFor(String flag) {
    return harness.simulator.calls().entries().stream()
        .filter(c -> c.path().contains("/" + flag + "/"))
        .toList();
  }

  private static JsonNode phaseNamed(JsonNode release, String name) {
    for (JsonNode phase : release.path("phases")) {
      if (phase.path("_name").asText().equals(name)) {
        return phase;
      }
    }
    throw new AssertionError("no phase " + name);
  }

  private static int levels(String pipeline) {
    return switch (pipeline) {
      case "three-step" -> 6;
      case "two-step" -> 5;
      default -> 1;
    };
  }

  private FlagReleaseSpec spec(Model model) {
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("chaos");
    spec.setFlagKey(model.name);
    spec.setReleasePipelineKey(model.pipeline);
    spec.setDeletionPolicy(model.deletion);
    spec.setManagementPolicy(model.observe ? ManagementPolicy.Observe : ManagementPolicy.Manage);
    spec.setSuspend(model.suspend);
    spec.setPhases(new ArrayList<>(phases(model)));
    return spec;
  }

  /** Reachable specs only: a phase waits only on one LaunchDarkly finishes (guarded Gamma). */
  private static List<PhaseSpec> phases(Model model) {
    if (model.observe || model.suspend) {
      return List.of();
    }
    DesiredPhaseStatus c = DesiredPhaseStatus.Complete;
    DesiredPhaseStatus s = DesiredPhaseStatus.Started;
    DesiredPhaseStatus n = DesiredPhaseStatus.NotStarted;
    return switch (model.pipeline) {
      case "three-step" ->
          switch (model.level) {
            case 0 -> List.of();
            case 1 -> phases(THREE_STEP, s, n);
            case 2 -> phases(THREE_STEP, c);
            case 3 -> phases(THREE_STEP, c, c, s);
            case 4 -> phases(THREE_STEP, c, s, n);
            default -> phases(THREE_STEP, c, c, c);
          };
      case "two-step" ->
          switch (model.level) {
            case 0 -> List.of();
            case 1 -> phases(TWO_STEP, s);
            case 2 -> phases(TWO_STEP, c, n);
            case 3 -> phases(TWO_STEP, c, s);
            default -> phases(TWO_STEP, c, c);
          };
      default -> phases(BY_HAND, model.legacyComplete[0] ? c : n, model.legacyComplete[1] ? c : n);
    };
  }

  private static List<PhaseSpec> phases(List<String> names, DesiredPhaseStatus... statuses) {
    List<PhaseSpec> phases = new ArrayList<>();
    for (int i = 0; i < statuses.length; i++) {
      phases.add(new PhaseSpec(names.get(i), statuses[i]));
    }
    return phases;
  }
}
