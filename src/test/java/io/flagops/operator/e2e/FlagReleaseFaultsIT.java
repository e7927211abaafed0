package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.NotStarted;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** LaunchDarkly refusing the token, limiting the rate, failing: waited out, never leaked. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class FlagReleaseFaultsIT extends OperatorTestBase {
  private static final String WRONG_TOKEN = "api-wrong-token-0c0ffee0";

  @Test
  void unauthorizedUntilTheSecretIsCorrectedThenReady() {
    tokenSecret("ld-token", WRONG_TOKEN);
    FlagReleaseSpec spec =
        specThrough("ld-token", "flag-20", "fast-track", phase("Canary", Started));
    create("auth", spec);

    FlagRelease stalled = awaitCondition("auth", ConditionTypes.STALLED, "True", "Unauthorized");
    assertThat(stalled.getStatus().getMessage()).contains("401").contains("check the access token");
    assertThat(writesFor("flag-20")).isEmpty();

    // LaunchDarkly's error id differs on every answer: the status, the time of the condition and
    // the warning do not change with it (the event alone names the id, once)
    long refusals = simulator.calls().count(CallLog.GET_RELEASE, 401);
    await()
        .atMost(TIMEOUT)
        .until(() -> simulator.calls().count(CallLog.GET_RELEASE, 401) >= refusals + 3);
    FlagRelease later = get("auth");
    assertThat(later.getStatus().getMessage())
        .isEqualTo(stalled.getStatus().getMessage())
        .doesNotContain("error id");
    assertThat(condition(later, ConditionTypes.STALLED).getLastTransitionTime())
        .isEqualTo(condition(stalled, ConditionTypes.STALLED).getLastTransitionTime());
    assertThat(eventsFor("auth"))
        .filteredOn(e -> e.getReason().equals("Unauthorized"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("error id"));
    // brief failures between refusals, the second longer than the settled interval after the first
    assertStallStaysThroughA503("flag-20", stalled);
    assertStallStaysThroughA503("flag-20", stalled);

    tokenSecret("ld-token", SimulatorResource.SECRET_TOKEN);
    awaitReady("auth");
    assertThat(writesFor("flag-20").stream().map(this::describe))
        .containsExactly("create fast-track", "Started Canary");
  }

  /**
   * A write LaunchDarkly refused for a cause outside the release (a flag or environment setting,
   * which a person then fixes) is held while the release stays as it was, but not for ever: once
   * its stall has lasted an hour it is tried again, though the release never changed.
   */
  @Test
  void aRefusedWriteIsTriedAgainOnceItsStallHasLastedAnHour() {
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);
    create("held", spec("flag-134", "fast-track", phase("Canary", Started)));
    FlagRelease stalled =
        awaitCondition("held", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    assertThat(stalled.getStatus().getMessage())
        .endsWith(
            "or for an hour (then once an hour: what refused it may be a setting outside the release)");
    long reads = countFor("flag-134", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-134", CallLog.GET_RELEASE) >= reads + 2);
    assertThat(countFor("flag-134", CallLog.UPDATE_PHASE)).as("held").isEqualTo(1);

    stalledAnHourAgo("held");

    awaitReady("held");
    assertThat(countFor("flag-134", CallLog.UPDATE_PHASE)).isEqualTo(2);
  }

  /** Refused again after its hour: tried once an hour from then on, not at each stalled poll. */
  @Test
  void aRefusedWriteStillRefusedAfterItsHourIsNotTriedAtEachPoll() {
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400).failNextOn(CallLog.UPDATE_PHASE, 400);
    create("held-again", spec("flag-135", "fast-track", phase("Canary", Started)));
    awaitCondition("held-again", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");

    stalledAnHourAgo("held-again");
    await().atMost(TIMEOUT).until(() -> countFor("flag-135", CallLog.UPDATE_PHASE) == 2);
    long reads = countFor("flag-135", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-135", CallLog.GET_RELEASE) >= reads + 3);

    assertThat(countFor("flag-135", CallLog.UPDATE_PHASE)).as("not tried again yet").isEqualTo(2);
    assertThat(condition(get("held-again"), ConditionTypes.STALLED).getStatus()).isEqualTo("True");
  }

  /**
   * LaunchDarkly refuses a write (the release deleted just before it) and the read after the
   * refusal fails: LaunchDarkly's reason is still in an event, not only the read's failure.
   */
  @Test
  void aRefusalIsSaidEvenWhenTheReadAfterItFails() {
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.UPDATE_PHASE,
            () -> {
              simulator.ui().deleteRelease(PROJECT, "flag-108");
              simulator.faults().failNextOn(CallLog.GET_RELEASE, 503);
            });
    create("refused-unread", spec("flag-108", "fast-track", phase("Canary", Started)));
    awaitReady("refused-unread");

    assertThat(callsFor("flag-108")).anyMatch(c -> c.status() == 503);
    assertThat(eventsFor("refused-unread"))
        .filteredOn(e -> e.getReason().equals("WriteRefused"))
        .singleElement()
        .satisfies(
            e -> assertThat(e.getMessage()).startsWith("LaunchDarkly refused to start phase"));
  }

  /**
   * A stall only a person ends (a phase paused in LaunchDarkly) stays through a brief LaunchDarkly
   * failure: flipping to Progressing and back would resolve the Stalled alert and show Argo CD a
   * recovery that did not happen.
   */
  @Test
  void aStallAPersonMustEndStaysThroughABriefLaunchDarklyFailure() {
    create("paused-blip", spec("flag-107", "standard", phase("Testing", Started)));
    awaitReady("paused-blip");
    simulator.ui().pausePhase(PROJECT, "flag-107", "Testing");
    FlagRelease stalled =
        awaitCondition("paused-blip", ConditionTypes.STALLED, "True", "PhasePaused");

    assertStallStaysThroughA503("flag-107", stalled);
  }

  /**
   * A write LaunchDarkly refuses with 403 (the token's role lacks the releases permission): fixing
   * the role in LaunchDarkly changes nothing the operator can see, so it tries again at each
   * stalled poll instead of waiting for a spec or token change.
   */
  @Test
  void aWriteRefusedForTheTokensRoleGoesThroughOnceTheRoleIsFixed() {
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 403);
    create("role", spec("flag-81", "fast-track", phase("Canary", Started)));
    FlagRelease stalled =
        awaitCondition("role", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    assertThat(stalled.getStatus().getMessage()).contains("403");

    // the admin grants the role the permission in LaunchDarkly: the next write goes through
    awaitReady("role");
    assertThat(countFor("flag-81", CallLog.UPDATE_PHASE)).isEqualTo(2);
  }

  /**
   * A 404 that is not LaunchDarkly's (a proxy's HTML page, an API gateway's JSON without
   * LaunchDarkly's error code) says nothing about the release: it is retried, never taken for "no
   * release", so the release the operator created is neither given to someone else in the history
   * nor created again, and the resource's deletion still deletes it.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "proxy-404|flag-30|text/html|<html><body>404 Not Found</body></html>",
        "gateway-404|flag-137|application/json|{\"message\":\"no Route matched with those values\"}"
      })
  void aProxysNotFoundPageIsNotTakenForNoRelease(
      String name, String flag, String contentType, String body) {
    create(name, spec(flag, "fast-track", phase("Canary", Started)));
    awaitReady(name);
    simulator.faults().respondNextOn(CallLog.GET_RELEASE, 404, contentType, body);

    await().atMost(TIMEOUT).until(() -> readsAfterThe404(flag) >= 2);
    FlagRelease after = awaitReady(name);

    assertThat(after.getStatus().getHistory())
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .noneMatch(change -> change.endsWith("Unknown"));
    assertThat(after.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
    assertThat(countFor(flag, CallLog.CREATE_RELEASE)).isEqualTo(1);

    releases().withName(name).delete();
    await().atMost(TIMEOUT).until(() -> get(name) == null);
    assertThat(simulator.release(PROJECT, flag)).as("deleted, as Delete says").isEmpty();
  }

  /**
   * An error message of any length (a proxy's, a bug's) is cut in the status: whole, it made the
   * resource too large for the API server to store any status of it.
   */
  @Test
  void aHugeErrorMessageIsCutInTheStatus() {
    simulator
        .faults()
        .respondNextOn(
            CallLog.CREATE_RELEASE,
            400,
            "application/json",
            "{\"code\":\"invalid_request\",\"message\":\"" + "x".repeat(600_000) + "\"}");

    create("huge-error", spec("flag-31", "fast-track", phase("Canary", Started)));
    FlagRelease stalled =
        awaitCondition("huge-error", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");

    assertThat(stalled.getStatus().getMessage())
        .hasSizeLessThan(2_000)
        .contains("more characters")
        .contains("invalid_request");
  }

  /** A write LaunchDarkly keeps failing is named: which phase, to what. */
  @Test
  void aWriteThatKeepsFailingIsNamed() {
    for (int i = 0; i < 3; i++) {
      simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 503);
    }

    create("named-write", spec("flag-32", "fast-track", phase("Canary", Started)));
    await()
        .atMost(TIMEOUT)
        .until(() -> eventReasons("named-write").contains("LaunchDarklyUnavailable"));
    awaitReady("named-write");

    assertThat(eventsFor("named-write"))
        .filteredOn(e -> "LaunchDarklyUnavailable".equals(e.getReason()))
        .extracting(Event::getMessage)
        .allMatch(
            m -> m.contains("answered 503") && m.endsWith("; the write: start phase 'Canary'"));
  }

  private long readsAfterThe404(String flag) {
    List<CallLog.Call> calls = callsFor(flag);
    int at = calls.stream().map(CallLog.Call::status).toList().indexOf(404);
    return at < 0
        ? 0
        : calls.subList(at + 1, calls.size()).stream()
            .filter(c -> c.route().equals(CallLog.GET_RELEASE))
            .count();
  }

  @Test
  void aMissingSecretStallsNamingIt() {
    FlagReleaseSpec spec = spec("flag-21", "fast-track");
    spec.setAccessTokenSecretRef(new SecretKeyReference("nowhere", "token"));
    create("no-secret", spec);

    FlagRelease stalled =
        awaitCondition("no-secret", ConditionTypes.STALLED, "True", "AccessTokenUnavailable");
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.accessTokenSecretRef: Secret 'nowhere' not found in namespace '"
                + NAMESPACE
                + "', or not labelled flagops.io/launchdarkly-token=true (the operator sees only"
                + " token Secrets with that label)");
    assertThat(callsFor("flag-21")).isEmpty();

    // the Secret made while LaunchDarkly fails briefly: the status says the failure at once, no
    // longer that a person must make the Secret
    List<String> reasons = recordReasons("no-secret");
    simulator.faults().failNextOn(CallLog.GET_RELEASE, 503);
    tokenSecret("nowhere", SimulatorResource.SECRET_TOKEN);
    awaitReady("no-secret");
    assertThat(callsFor("flag-21").get(0).status()).isEqualTo(503);
    assertThat(caughtUp("no-secret", reasons))
        .map(reason -> reason.replaceFirst(":.*", ""))
        .containsSubsequence(
            "AccessTokenUnavailable (stalled)", "LaunchDarklyUnavailable", "InSync");
  }

  @Test
  void aRateLimitIsWaitedOutAsLaunchDarklyAsks() {
    simulator
        .faults()
        .rateLimitStormFromNext(
            CallLog.GET_RELEASE, Duration.ofMillis(1500), Duration.ofSeconds(1));

    create("limited", spec("flag-22", "fast-track", phase("Canary", Started)));
    awaitReady("limited");

    List<CallLog.Call> calls = callsFor("flag-22");
    List<CallLog.Call> limited = calls.stream().filter(c -> c.status() == 429).toList();
    assertThat(limited).isNotEmpty().hasSizeLessThanOrEqualTo(2);
    for (CallLog.Call call : limited) {
      CallLog.Call next = calls.get(calls.indexOf(call) + 1);
      assertThat(Duration.between(call.at(), next.at()))
          .as("the next call waits for Retry-After")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
    assertThat(eventReasons("limited")).contains("RateLimited");
  }

  /**
   * A 429 that asks no wait (Retry-After: 0, or a reset the pod's clock has already passed) is
   * still not followed by a call at once.
   */
  @Test
  void aRateLimitAskingNoWaitIsNotRetriedAtOnce() {
    simulator.faults().rateLimitNextOn(CallLog.GET_RELEASE, Duration.ZERO);

    create("limited-now", spec("flag-116", "fast-track", phase("Canary", Started)));
    awaitReady("limited-now");

    List<CallLog.Call> calls = callsFor("flag-116");
    assertThat(calls.get(0).status()).isEqualTo(429);
    assertThat(Duration.between(calls.get(0).at(), calls.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  /** A server error right after a wait LaunchDarkly set is retried like any other. */
  @Test
  void aServerErrorAfterARateLimitIsRetriedNotAReconcileError() {
    simulator.faults().failNext(1, 429).failNext(1, 503);

    create("limited-then-down", spec("flag-65", "fast-track", phase("Canary", Started)));
    awaitReady("limited-then-down");

    assertThat(callsFor("flag-65").subList(0, 2).stream().map(CallLog.Call::status))
        .containsExactly(429, 503);
    assertThat(eventReasons("limited-then-down"))
        .contains("RateLimited", "LaunchDarklyUnavailable")
        .doesNotContain("ReconcileError");
  }

  /**
   * LaunchDarkly accepts a phase write, yet neither its answer nor its reads show it: the write is
   * not repeated within a pass, and the passes back off instead of hammering LaunchDarkly.
   */
  @Test
  void aWriteLaunchDarklyNeverShowsIsRetriedWithGrowingBackoff() {
    create("unshown", spec("flag-67", "fast-track", phase("Canary", NotStarted)));
    awaitReady("unshown");
    String before = simulator.release(PROJECT, "flag-67").orElseThrow().toString();
    simulator.faults().respondNext(1_000, 200, "application/json", before);
    simulator.calls().clear();

    edit("unshown", s -> s.setPhases(new ArrayList<>(List.of(phase("Canary", Started)))));
    await().atMost(TIMEOUT).until(() -> countFor("flag-67", CallLog.UPDATE_PHASE) >= 5);
    simulator.faults().clear();

    List<CallLog.Call> calls = callsFor("flag-67");
    List<CallLog.Call> puts =
        calls.stream().filter(c -> c.route().equals(CallLog.UPDATE_PHASE)).toList();
    for (int i = 1; i < puts.size(); i++) {
      assertThat(calls.get(calls.indexOf(puts.get(i)) - 1).route())
          .as("each write follows a fresh read, never the same write in the same pass")
          .isEqualTo(CallLog.GET_RELEASE);
    }
    assertThat(Duration.between(puts.get(3).at(), puts.get(4).at()))
        .as("the backoff grows")
        .isGreaterThan(Duration.between(puts.get(0).at(), puts.get(1).at()));
    assertThat(eventsFor("unshown").stream().map(Event::getMessage))
        .anyMatch(m -> m.contains("its answer does not show it"));
    awaitReady("unshown");
  }

  @Test
  void aBurstOfServerErrorsIsRetriedWithGrowingBackoff() {
    simulator.faults().failNext(3, 503);

    create("flaky", spec("flag-23", "fast-track", phase("Canary", Started)));
    awaitReady("flaky");

    List<CallLog.Call> calls = callsFor("flag-23");
    assertThat(calls.subList(0, 3)).allMatch(c -> c.status() == 503);
    assertThat(calls.get(3).status()).as("a 404: no release yet, then created").isEqualTo(404);
    Duration first = Duration.between(calls.get(0).at(), calls.get(1).at());
    Duration third = Duration.between(calls.get(2).at(), calls.get(3).at());
    assertThat(third).as("backoff grows").isGreaterThan(first);
    assertThat(writesFor("flag-23").stream().map(this::describe))
        .containsExactly("create fast-track", "Started Canary");
    assertThat(eventReasons("flaky")).contains("LaunchDarklyUnavailable");
  }

  @Test
  void theTokenAppearsInNoLogEventOrStatus() {
    Logger operatorLogs = Logger.getLogger("io.flagops");
    Level before = operatorLogs.getLevel();
    operatorLogs.setLevel(Level.FINEST);
    LogCapture logs = LogCapture.install();
    try {
      tokenSecret("leaky", WRONG_TOKEN);
      FlagReleaseSpec spec = spec("flag-24", "fast-track", phase("Canary", Started));
      spec.setAccessTokenSecretRef(new SecretKeyReference("leaky", "token"));
      create("leak", spec);
      awaitCondition("leak", ConditionTypes.STALLED, "True", "Unauthorized");

      // LaunchDarkly echoing the token in an error must not carry it any further, not even the
      // part of it before the cut of a long message (here at its 16th character)
      tokenSecret("leaky", SimulatorResource.SECRET_TOKEN);
      simulator
          .faults()
          .respondNext(
              1,
              400,
              "application/json",
              "{\"code\":\"invalid_request\",\"message\":\""
                  + "x".repeat(478)
                  + "token "
                  + SimulatorResource.SECRET_TOKEN
                  + " may not do that\"}");
      FlagRelease rejected =
          awaitCondition("leak", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
      assertThat(rejected.getStatus().getMessage()).contains("<redacted>");
    } finally {
      logs.uninstall();
      operatorLogs.setLevel(before);
    }

    String status = Serialization.asJson(get("leak"));
    String events = Serialization.asJson(eventsFor("leak"));
    for (String token :
        List.of(WRONG_TOKEN, SimulatorResource.SECRET_TOKEN, SimulatorResource.DEFAULT_TOKEN)) {
      String fragment = token.substring(0, 12);
      assertThat(status).doesNotContain(token).doesNotContain(fragment);
      assertThat(events).doesNotContain(token).doesNotContain(fragment);
      assertThat(logs.lines()).noneMatch(line -> line.contains(token));
    }
    assertThat(logs.lines()).as("debug logging was on").isNotEmpty();
  }

  /** LaunchDarkly limits each account on its own: one account's 429 holds back no other. */
  @Test
  void aRateLimitOfOneAccountHoldsBackNoOtherAccount() {
    tokenSecret("third-account", SimulatorResource.THIRD_TOKEN);
    simulator.faults().rateLimitNextUntil(Instant.now().plusSeconds(60));
    FlagReleaseSpec limited =
        specThrough("third-account", "flag-56", "fast-track", phase("Canary", Started));
    create("limited-account", limited);
    await()
        .atMost(TIMEOUT)
        .until(() -> callsFor("flag-56").stream().anyMatch(c -> c.status() == 429));

    create("other-account", spec("flag-57", "fast-track", phase("Canary", Started)));
    awaitReady("other-account");

    assertThat(callsFor("flag-56"))
        .as("the limited account waits for its Retry-After")
        .extracting(CallLog.Call::status)
        .containsExactly(429);
  }

  /** As if an hour had gone by since FlagRelease {@code name} stalled. */
  private void stalledAnHourAgo(String name) {
    releases()
        .withName(name)
        .editStatus(
            r -> {
              condition(r, ConditionTypes.STALLED)
                  .setLastTransitionTime(Instant.now().minus(Duration.ofMinutes(61)).toString());
              return r;
            });
  }
}
