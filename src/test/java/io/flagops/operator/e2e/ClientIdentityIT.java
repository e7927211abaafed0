package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.config.OperatorVersion;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LaunchDarkly can tell who called, its error ids reach the user, its waits are honoured. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class ClientIdentityIT extends OperatorTestBase {

  @Test
  void everyRequestNamesTheOperatorAndItsVersion() {
    create("named", spec("flag-29", "fast-track", phase("Canary", Started)));
    awaitReady("named");

    assertThat(OperatorVersion.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(callsFor("flag-29"))
        .isNotEmpty()
        .allMatch(c -> ("flagrelease-operator/" + OperatorVersion.version()).equals(c.userAgent()));
  }

  /**
   * LaunchDarkly's error id (support finds the request by it) is in the warning event; the status
   * leaves it out, as it differs on every answer and would make each poll a change.
   */
  @Test
  void launchDarklysErrorIdIsKeptInTheEvent() {
    FlagReleaseSpec spec = spec("flag-30", "fast-track", phase("Canary", Started));
    spec.setReleaseVariationId("no-such-variation");
    create("refused", spec);

    FlagRelease stalled =
        awaitCondition("refused", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");

    assertThat(stalled.getStatus().getMessage())
        .matches(
            "creating the release: LaunchDarkly answered 400: Unknown releaseVariationId"
                + " 'no-such-variation' for flag 'flag-30' \\(invalid_request\\); refused write:"
                + " create the release on pipeline '[a-z-]+'; not tried again until the spec, the"
                + " token or the release changes, or for an hour \\(then once an hour: what"
                + " refused it may be a setting outside the release\\)");
    assertThat(eventsFor("refused"))
        .extracting(e -> e.getReason() + ": " + e.getMessage())
        .anyMatch(
            e ->
                e.matches(
                    "LaunchDarklyRejected: creating the release: .*"
                        + " \\(invalid_request, error id [0-9a-f]{24}\\).*"));
  }

  @Test
  void aRetryAfterGivenAsAnHttpDateIsWaitedFor() {
    Instant retryAt = Instant.now().plusSeconds(3);
    simulator.faults().rateLimitNextUntil(retryAt);

    create("limited", spec("flag-31", "fast-track", phase("Canary", Started)));
    awaitReady("limited");

    List<CallLog.Call> calls = simulator.calls().entries();
    CallLog.Call limited = calls.stream().filter(c -> c.status() == 429).findFirst().orElseThrow();
    CallLog.Call next = calls.get(calls.indexOf(limited) + 1);
    // not before the date LaunchDarkly named (an HTTP date has whole seconds), and well before
    // the 10 s the operator would wait without it
    assertThat(next.at()).isAfterOrEqualTo(retryAt.truncatedTo(ChronoUnit.SECONDS));
    assertThat(Duration.between(limited.at(), next.at())).isLessThan(Duration.ofSeconds(8));
  }
}
