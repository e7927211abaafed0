package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Answers LaunchDarkly should never give: each is a clear error, retried, and no write is ever
 * based on a release that was only half read.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class MalformedAnswersIT extends OperatorTestBase {
  private static final String RELEASE_WITHOUT_AUDIENCES =
      "{\"name\":\"Fast track\",\"releasePipelineKey\":\"fast-track\","
          + "\"releasePipelineDescription\":\"\",\"_version\":1,\"phases\":[{\"_id\":\"p1\","
          + "\"_name\":\"Canary\",\"complete\":false,\"_creationDate\":1}]}";

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of(
            "an HTML error page",
            "flag-36",
            502,
            "text/html",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "LaunchDarkly answered 502: an unexpected text/html body"),
        Arguments.of("an empty body", "flag-37", 200, "application/json", "", "is empty"),
        Arguments.of(
            "a release without required fields",
            "flag-38",
            200,
            "application/json",
            RELEASE_WITHOUT_AUDIENCES,
            "the answer has no 'phases[0]._audiences'"),
        Arguments.of(
            "a field of the wrong type",
            "flag-39",
            200,
            "application/json",
            "{\"name\":\"x\",\"releasePipelineKey\":\"fast-track\",\"_version\":\"one\",\"phases\":[]}",
            "not a valid Release"),
        Arguments.of(
            "JSON cut short",
            "flag-40",
            200,
            "application/json",
            "{\"name\":\"Fast track\",\"phases\":[{\"_id\"",
            "not a valid Release"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void aMalformedAnswerIsAClearErrorThenRetriedWithNoWriteFromIt(
      String name, String flag, int status, String contentType, String body, String expected) {
    simulator.ui().createRelease(PROJECT, flag, "fast-track"); // a release exists: reads decide
    simulator.faults().respondNext(1, status, contentType, body);

    create(flag, spec(flag, "fast-track", phase("Canary", Started)));
    awaitReady(flag);

    Event error =
        eventsFor(flag).stream()
            .filter(e -> "LaunchDarklyUnavailable".equals(e.getReason()))
            .findFirst()
            .orElseThrow();
    assertThat(error.getMessage()).as(name).contains("reading the release").contains(expected);
    assertThat(error.getType()).isEqualTo("Warning");
    // the garbled read led to nothing; the retry read again and started the phase once
    assertThat(writesFor(flag).stream().map(this::describe)).containsExactly("Started Canary");
    assertThat(countFor(flag, CallLog.GET_RELEASE)).isGreaterThanOrEqualTo(2);
  }

  @ParameterizedTest(name = "a dropped connection")
  @MethodSource("dropped")
  void aDroppedConnectionIsRetried(String flag) {
    simulator.faults().dropConnectionRate(1.0);
    create(flag, spec(flag, "fast-track", phase("Canary", Started)));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                eventsFor(flag).stream()
                    .anyMatch(e -> "LaunchDarklyUnavailable".equals(e.getReason())));
    simulator.faults().dropConnectionRate(0.0);

    awaitReady(flag);
    assertThat(
            eventsFor(flag).stream()
                .filter(e -> "LaunchDarklyUnavailable".equals(e.getReason()))
                .findFirst()
                .orElseThrow()
                .getMessage())
        .contains("connection failed");
    assertThat(writesFor(flag).stream().filter(c -> c.status() == 200).map(this::describe))
        .containsExactly("create fast-track", "Started Canary");
  }

  /**
   * A phase status LaunchDarkly does not document (one added after the operator was built: the
   * outcome of a rollout, say) means nothing the operator can act on: it writes nothing.
   */
  @Test
  void aPhaseStatusLaunchDarklyDoesNotDocumentStopsEveryWrite() {
    create("unknown-status", spec("flag-63", "standard", phase("Testing", Started)));
    awaitReady("unknown-status");
    simulator.ui().showPhaseStatus(PROJECT, "flag-63", "Testing", "RolledBack");
    simulator.calls().clear();

    edit("unknown-status", s -> s.setPhases(new ArrayList<>(List.of(phase("Testing", Complete)))));
    FlagRelease stalled =
        awaitCondition("unknown-status", ConditionTypes.STALLED, "True", "UnknownPhaseStatus");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "phase 'Testing' has status 'RolledBack' in LaunchDarkly, which this operator does"
                + " not know (NotStarted, ReadyToStart, Started, Paused, Complete); it changes"
                + " nothing in the release until LaunchDarkly shows one it knows");
    assertThat(writesFor("flag-63")).isEmpty();
  }

  /**
   * LaunchDarkly's answers have been seen spelling the documented statuses in kebab-case ("active",
   * "ready-to-start", "not-started"): they are those statuses, not unknown ones that stop writes.
   */
  @Test
  void phaseStatusesSpelledInKebabCaseAreTheDocumentedOnes() {
    simulator.ui().createRelease(PROJECT, "flag-65", "standard");
    simulator.ui().startPhase(PROJECT, "flag-65", "Testing");
    simulator.ui().showPhaseStatus(PROJECT, "flag-65", "Testing", "active");
    simulator.ui().showPhaseStatus(PROJECT, "flag-65", "Staging", "ready-to-start");
    simulator.ui().showPhaseStatus(PROJECT, "flag-65", "Production", "not-started");

    create("kebab", spec("flag-65", "standard", phase("Testing", Started)));
    FlagRelease ready = awaitReady("kebab");

    assertThat(ready.getStatus().getPhases())
        .extracting(p -> p.getName() + " " + p.getStatus())
        .containsExactly("Testing Started", "Staging ReadyToStart", "Production NotStarted");
    assertThat(writesFor("flag-65")).isEmpty();
  }

  /**
   * The same status first seen in the answer to a write: the writes planned after it are not made,
   * as they would not have been planned on a read that showed it.
   */
  @Test
  void aPhaseStatusFirstSeenInAWritesAnswerStopsTheWritesAfterIt() {
    simulator.ui().createRelease(PROJECT, "flag-64", "standard");
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.UPDATE_PHASE,
            () -> simulator.ui().showPhaseStatus(PROJECT, "flag-64", "Production", "Scheduled"));

    create(
        "unknown-in-answer",
        spec("flag-64", "standard", phase("Testing", Complete), phase("Staging", Started)));
    awaitCondition("unknown-in-answer", ConditionTypes.STALLED, "True", "UnknownPhaseStatus");

    assertThat(writesFor("flag-64").stream().map(this::describe))
        .containsExactly("Started Testing");
  }

  static Stream<String> dropped() {
    return Stream.of("flag-01");
  }
}
