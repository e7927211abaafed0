package io.flagops.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.UncertainWrite;
import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.plan.ReleaseAction;
import io.flagops.operator.reconciler.plan.Verdict;
import io.flagops.operator.reconciler.status.Outcome;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import io.flagops.operator.reconciler.support.PipelineCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One pass of observe → plan → act against an in-memory LaunchDarkly: no Kubernetes API, no HTTP.
 * The release is the three-stage fixture: QA complete, Canary (guarded) and Everyone after it.
 */
class ReleaseSyncTest {
  private static final AccessToken TOKEN = AccessToken.of("api-release-sync-test");
  private static final ReleaseSync.Writes MANAGE = ReleaseSync.Writes.allowed();

  private final InMemoryLaunchDarkly launchDarkly = new InMemoryLaunchDarkly();
  private final List<String> events = new ArrayList<>();
  private Long lastSeenVersion;

  /** The generation a status recorded "start Canary" as an uncertain write at; null: none. */
  private Long uncertainAtGeneration;

  /** A Stalled condition the status holds (a refused write's); null: none. */
  private FlagReleaseCondition stall;

  private final ReleaseSync sync =
      new ReleaseSync(
          launchDarkly,
          new PipelineCatalog(),
          new InMemoryLaunchDarkly.RecordingEvents(events),
          Clock.systemUTC());

  @Test
  void aReleaseThatMatchesIsReadOnceAndNeverWritten() {
    launchDarkly.phaseStatus(1, "Started");

    SyncResult result = sync(MANAGE);

    assertThat(result.plan().hasWrites()).isFalse();
    assertThat(launchDarkly.calls).containsExactly("GET release", "GET pipeline");
  }

  @Test
  void aPhaseToStartIsStartedOnceWithAnEvent() {
    SyncResult result = sync(MANAGE);

    assertThat(result.plan().hasWrites()).isFalse();
    assertThat(launchDarkly.calls)
        .containsExactly("GET release", "GET pipeline", "PUT phase Canary Started");
    assertThat(events).anyMatch(event -> event.contains("Canary"));
  }

  @Test
  void aWriteRefusedBecauseLaunchDarklyMovedFirstIsReadAgainAndNotRepeated() {
    // someone starts Canary in LaunchDarkly's UI between the operator's read and its write
    launchDarkly.beforeNextPhaseWrite = () -> launchDarkly.phaseStatus(1, "Started");

    SyncResult result = sync(MANAGE);

    assertThat(result.plan().hasWrites()).isFalse();
    // the read after the refusal follows the pass's first call, as a write does: it does not wait
    // for a turn of its own, which would end the pass before it learned what LaunchDarkly holds
    assertThat(launchDarkly.calls)
        .containsExactly(
            "GET release",
            "GET pipeline",
            "PUT phase Canary Started (refused)",
            "GET release again");
  }

  @Test
  void observeModeReadsAndPlansButNeverWrites() {
    SyncResult result = sync(ReleaseSync.Writes.observeOnly());

    assertThat(result.plan().hasWrites()).as("the write Manage would make").isTrue();
    assertThat(launchDarkly.calls).noneMatch(call -> call.startsWith("PUT"));
  }

  @Test
  void previewPlansAsManageWouldAdoptingTheReleaseAndWritesNothing() {
    SyncResult result = sync(ReleaseSync.Writes.preview(new FlagReleaseSpec()));

    assertThat(result.plan().actions())
        .extracting(action -> action.describe())
        .containsExactly("start phase 'Canary'");
    assertThat(result.owned().owns("three-stage"))
        .as("Manage adopts a release found on the desired pipeline; so does its preview")
        .isTrue();
    assertThat(launchDarkly.calls).containsExactly("GET release", "GET pipeline");
  }

  @Test
  void previewOfAnObservedReleaseAdoptsNothing() {
    FlagReleaseSpec observe = new FlagReleaseSpec();
    observe.setManagementPolicy(ManagementPolicy.Observe);

    SyncResult result = sync(ReleaseSync.Writes.preview(observe));

    assertThat(result.plan().actions())
        .extracting(action -> action.describe())
        .containsExactly("start phase 'Canary'");
    assertThat(result.owned().ownsAny()).as("Observe never adopts").isFalse();
    assertThat(launchDarkly.calls).noneMatch(call -> call.startsWith("PUT"));
  }

  /**
   * The announcer hears of a write that reached LaunchDarkly, refused or not (a held write's hourly
   * try is counted then), and not of one the budget, the breaker or a 429 held back.
   */
  @ParameterizedTest
  @MethodSource("phaseWriteFailures")
  void aWriteIsToldSentOnlyWhenItReachedLaunchDarkly(LaunchDarklyException failure, boolean sent) {
    launchDarkly.failPhaseWrites = failure;
    List<String> told = new ArrayList<>();

    catchThrowable(
        () ->
            sync(
                MANAGE,
                new ReleaseSync.Announcer() {
                  @Override
                  public void announce(Seen seen, Ownership owned, Outcome outcome) {}

                  @Override
                  public void sent() {
                    told.add("sent");
                  }
                }));

    assertThat(launchDarkly.calls).anyMatch(call -> call.startsWith("PUT phase Canary Started"));
    if (sent) {
      assertThat(told).isNotEmpty();
    } else {
      assertThat(told).isEmpty();
    }
  }

  static Stream<Arguments> phaseWriteFailures() {
    return Stream.of(
        Arguments.of(new LaunchDarklyException.Rejected("flag archived", 400), true),
        Arguments.of(new LaunchDarklyException.Unavailable("answer lost", 0, null), true),
        Arguments.of(LaunchDarklyException.Unavailable.notConnected("connection refused"), false),
        Arguments.of(new LaunchDarklyException.Throttled(Duration.ofSeconds(1)), false),
        Arguments.of(new LaunchDarklyException.CircuitOpen("open", Duration.ofSeconds(9)), false),
        Arguments.of(new LaunchDarklyException.RateLimited("429", Duration.ofSeconds(3)), false));
  }

  @Test
  void aFailedWriteSaysWhatThePassWasDoingAndWhatItSaw() {
    launchDarkly.failPhaseWrites =
        new LaunchDarklyException.Unavailable("updating the phase status: 502", 502, null);
    // the status already records the release as it is: a failed write moved nothing
    lastSeenVersion = launchDarkly.version();

    assertThatThrownBy(() -> sync(MANAGE))
        .isInstanceOfSatisfying(
            SyncException.class,
            e -> {
              assertThat(e.step()).contains("Canary");
              assertThat(e.progressed()).isFalse();
              assertThat(e.seen().release().releasePipelineKey()).isEqualTo("three-stage");
              // a 502 does not say the write was not made: the read right after may not show it
              // yet, so a later read that does gives it to the operator
              assertThat(e.seen().uncertainWrites())
                  .extracting(UncertainWrite::getPhase, UncertainWrite::getStatus)
                  .containsExactly(tuple("Canary", "Started"));
            });
  }

  @Test
  void anUncertainWriteShownMadeIsTheOperatorsOnlyForTheSameSpec() {
    launchDarkly.phaseStatus(1, "Started"); // shown started: the write, or a person

    uncertainAtGeneration = 1L;
    SyncResult settled = sync(MANAGE);
    assertThat(settled.seen().operatorWrote()).containsExactly("Canary");
    assertThat(events).anyMatch(e -> e.startsWith("PhaseStarted"));
    assertThat(settled.seen().uncertainWrites()).isEmpty();

    events.clear();
    uncertainAtGeneration = 0L; // the spec changed since (a suspend, say): not taken as ours
    SyncResult edited = sync(MANAGE);
    assertThat(edited.seen().operatorWrote()).isEmpty();
    assertThat(events).noneMatch(e -> e.contains("PhaseStarted"));
  }

  /**
   * A change made while the create is announced (a switch to Observe, a deletion) stops it: the
   * status write that announced it is the last thing the pass does.
   */
  @Test
  void aChangeMadeWhileTheCreateIsAnnouncedStopsTheCreate() {
    launchDarkly.exists = false;
    List<String> announced = new ArrayList<>();

    SyncResult result =
        sync(
            MANAGE,
            new ReleaseSync.Announcer() {
              @Override
              public void announce(Seen seen, Ownership owned, Outcome outcome) {
                announced.add(outcome.reason());
              }

              @Override
              public boolean stillCurrent() {
                return announced.isEmpty(); // the edit lands during the announce's status write
              }
            });

    assertThat(announced).containsExactly("CreatingRelease");
    assertThat(launchDarkly.calls).as("no create").containsExactly("GET release");
    assertThat(result.plan().verdict().kind()).isEqualTo(Verdict.Kind.REPLAN);
    assertThat(result.owned().ownsAny()).as("nothing was created").isFalse();
  }

  /** The watch has not brought an edit the Kubernetes API holds: the first write is not made. */
  @Test
  void theFirstWriteAsksTheKubernetesApiNotOnlyTheCache() {
    launchDarkly.exists = false;
    List<String> announced = new ArrayList<>();

    SyncResult result =
        sync(
            MANAGE,
            new ReleaseSync.Announcer() {
              @Override
              public void announce(Seen seen, Ownership owned, Outcome outcome) {
                announced.add(outcome.reason());
              }

              @Override
              public boolean confirmedCurrent() {
                return false; // the cache (stillCurrent) still shows the pass's copy
              }
            });

    assertThat(announced).as("not even announced").isEmpty();
    assertThat(launchDarkly.calls).containsExactly("GET release");
    assertThat(result.stopped()).isTrue();
  }

  /**
   * A write refused because LaunchDarkly moved first is followed by a read of the release and a new
   * plan: its next write asks the Kubernetes API again, as that read gave the watch time to lag.
   */
  @Test
  void aWritePlannedOnASecondReadAsksTheKubernetesApiAgain() {
    ObjectNode qa = (ObjectNode) launchDarkly.release.path("phases").get(0);
    qa.put("complete", false).put("status", "Started"); // QA to complete, then Canary to start
    launchDarkly.beforeNextPhaseWrite = () -> qa.put("complete", true).put("status", "Complete");
    List<String> asked = new ArrayList<>();

    sync(
        MANAGE,
        new ReleaseSync.Announcer() {
          @Override
          public void announce(Seen seen, Ownership owned, Outcome outcome) {}

          @Override
          public boolean stillCurrent() {
            asked.add("cache");
            return true;
          }

          @Override
          public boolean confirmedCurrent() {
            asked.add("Kubernetes API");
            return true;
          }
        });

    assertThat(launchDarkly.calls)
        .containsExactly(
            "GET release",
            "GET pipeline",
            "PUT phase QA Complete (refused)",
            "GET release again",
            "PUT phase Canary Started");
    assertThat(asked).containsExactly("Kubernetes API", "Kubernetes API");
  }

  @Test
  void aFailedReadOfTheFlagReleaseWritesNothingAndSaysWhy() {
    launchDarkly.exists = false;

    SyncResult result =
        sync(
            MANAGE,
            kubernetesApiAnswers(
                () -> {
                  throw new KubernetesClientException("connection refused");
                }));

    assertThat(launchDarkly.calls).containsExactly("GET release");
    assertThat(result.plan().verdict().kind()).isEqualTo(Verdict.Kind.REPLAN);
    assertThat(result.plan().verdict().message())
        .isEqualTo(
            "the FlagRelease could not be read again from the Kubernetes API (connection refused)"
                + " before the write \"create the release on pipeline 'three-stage'\": that write"
                + " and the ones after it were not made, and the pass is tried again");
    assertThat(result.owned().ownsAny()).isFalse();
  }

  /**
   * A refused write tried again (its hour over, say) whose pass cannot read the FlagRelease: its
   * plan comes back unmade, as a held one does, so the stall stands (a Kubernetes API blip does not
   * resolve the Stalled alert), and the pass comes back soon.
   */
  @Test
  void aStallWhoseRetryCannotReadTheFlagReleaseStands() {
    SyncResult result = retryOfARefusedCreate(new KubernetesClientException("connection refused"));

    assertThat(launchDarkly.calls).containsExactly("GET release");
    assertThat(result.plan().actions())
        .extracting(ReleaseAction::describe)
        .containsExactly("create the release on pipeline 'three-stage'");
    assertThat(result.stopped()).isTrue();
  }

  /** A change made while the retry ran is no blip: the stall is not kept, the change is said. */
  @Test
  void aStallWhoseRetryIsStoppedByAChangeIsNotKept() {
    SyncResult result = retryOfARefusedCreate(null);

    assertThat(launchDarkly.calls).containsExactly("GET release");
    assertThat(result.plan().verdict().kind()).isEqualTo(Verdict.Kind.REPLAN);
    assertThat(result.plan().verdict().message())
        .startsWith("the FlagRelease changed while this pass ran");
    assertThat(result.stopped()).isTrue();
  }

  /**
   * @param unreadable why the FlagRelease cannot be read again; null: it reads as changed
   */
  private SyncResult retryOfARefusedCreate(RuntimeException unreadable) {
    launchDarkly.exists = false;
    stall =
        new FlagReleaseCondition(
            ConditionTypes.STALLED,
            "True",
            Reasons.REJECTED,
            "creating the release: LaunchDarkly answered 400: flag archived",
            1L,
            "2026-12-05T10:00:00Z");
    return sync(
        ReleaseSync.Writes.triedAtEachPoll(),
        kubernetesApiAnswers(
            () -> {
              if (unreadable != null) {
                throw unreadable;
              }
              return false;
            }));
  }

  /**
   * Says nothing of what it is told; the read of the FlagRelease from the Kubernetes API gives so.
   */
  private static ReleaseSync.Announcer kubernetesApiAnswers(BooleanSupplier confirmed) {
    return new ReleaseSync.Announcer() {
      @Override
      public void announce(Seen seen, Ownership owned, Outcome outcome) {}

      @Override
      public boolean confirmedCurrent() {
        return confirmed.getAsBoolean();
      }
    };
  }

  /** A plan held back (Observe) is not a stopped pass: it polls as usual, no sooner. */
  @Test
  void aPlanHeldBackIsNoStoppedPass() {
    launchDarkly.exists = false;
    assertThat(sync(ReleaseSync.Writes.observeOnly()).stopped()).isFalse();
  }

  private SyncResult sync(ReleaseSync.Writes writes) {
    return sync(writes, (seen, owned, outcome) -> {});
  }

  private SyncResult sync(ReleaseSync.Writes writes, ReleaseSync.Announcer announcer) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withName("checkout")
            .withNamespace("shop")
            .withUid("uid-1")
            .withGeneration(1L)
            .build());
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("webshop");
    spec.setFlagKey("new-checkout");
    spec.setReleasePipelineKey("three-stage");
    spec.setPhases(
        List.of(
            new PhaseSpec("QA", DesiredPhaseStatus.Complete),
            new PhaseSpec("Canary", DesiredPhaseStatus.Started)));
    resource.setSpec(spec);
    if (lastSeenVersion != null) {
      ObservedRelease observed = new ObservedRelease();
      observed.setVersion(lastSeenVersion);
      FlagReleaseStatus status = new FlagReleaseStatus();
      status.setRelease(observed);
      resource.setStatus(status);
    }
    if (uncertainAtGeneration != null) {
      FlagReleaseStatus status = new FlagReleaseStatus();
      status.setObservedGeneration(uncertainAtGeneration);
      status.setUncertainWrites(
          List.of(new UncertainWrite("65a1f0c2e4b0a1b2c3d4e5f7", "Canary", "Started")));
      resource.setStatus(status);
    }
    if (stall != null) {
      FlagReleaseStatus status = new FlagReleaseStatus();
      status.setConditions(List.of(stall));
      resource.setStatus(status);
    }
    return sync.sync(resource, TOKEN, writes, announcer);
  }
}
