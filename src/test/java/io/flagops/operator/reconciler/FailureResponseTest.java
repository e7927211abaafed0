package io.flagops.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.reconciler.FailureResponse.Kind;
import io.flagops.operator.reconciler.plan.Reasons;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every kind of LaunchDarkly failure, and what the resource shows and does about it. */
class FailureResponseTest {

  @Test
  void theOperatorsOwnBudgetIsATurnToWaitForNotAnError() {
    FailureResponse response =
        FailureResponse.of(new LaunchDarklyException.Throttled(Duration.ofSeconds(3)));

    assertThat(response.kind()).isEqualTo(Kind.OWN_TURN);
    assertThat(response.given()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aRejectedTokenAndRefusedWritesNeedAPerson() {
    FailureResponse unauthorized =
        FailureResponse.of(new LaunchDarklyException.Unauthorized("LaunchDarkly answered 401"));
    FailureResponse notFound =
        FailureResponse.of(new LaunchDarklyException.NotFound("no pipeline 'fast-trak'"));
    FailureResponse rejected =
        FailureResponse.of(new LaunchDarklyException.Rejected("phase is not startable", 400));

    assertThat(unauthorized.kind()).isEqualTo(Kind.PERSON_MUST_ACT);
    assertThat(unauthorized.reason()).isEqualTo(Reasons.UNAUTHORIZED);
    assertThat(unauthorized.message()).endsWith("check the access token");
    assertThat(notFound.reason()).isEqualTo(Reasons.NOT_FOUND);
    assertThat(rejected.reason()).isEqualTo(Reasons.REJECTED);
    assertThat(FailureResponse.isRefusedWrite(stalled(notFound, "creating the release"))).isTrue();
    assertThat(FailureResponse.isRefusedWrite(stalled(rejected, "updating the phase status")))
        .isTrue();
    assertThat(FailureResponse.isRefusedWrite(stalled(unauthorized, "creating the release")))
        .as("a token is fixed by a person, not by the spec: no write was refused")
        .isFalse();
    assertThat(FailureResponse.isRefusedWrite(stalled(rejected, "reading the release")))
        .as("a refused read holds back no write")
        .isFalse();
  }

  /** The Stalled condition a failure of the given call leaves. */
  private static FlagReleaseCondition stalled(FailureResponse failure, String call) {
    FlagReleaseCondition condition = new FlagReleaseCondition();
    condition.setReason(failure.reason());
    condition.setMessage(call + ": " + failure.message());
    return condition;
  }

  @Test
  void outagesLimitsConflictsAndAnOpenBreakerPassByThemselves() {
    FailureResponse unavailable =
        FailureResponse.of(new LaunchDarklyException.Unavailable("answered 502", 502, null));
    FailureResponse conflict =
        FailureResponse.of(new LaunchDarklyException.Conflict("the release changed"));
    FailureResponse limited =
        FailureResponse.of(
            new LaunchDarklyException.RateLimited("answered 429", Duration.ofSeconds(7)));
    FailureResponse open =
        FailureResponse.of(
            new LaunchDarklyException.CircuitOpen("breaker open", Duration.ofSeconds(20)));

    assertThat(unavailable)
        .extracting(FailureResponse::kind, FailureResponse::reason, FailureResponse::given)
        .containsExactly(Kind.TRANSIENT, Reasons.UNAVAILABLE, null);
    assertThat(conflict)
        .extracting(FailureResponse::kind, FailureResponse::reason, FailureResponse::given)
        .containsExactly(Kind.TRANSIENT, Reasons.CONFLICT, null);
    assertThat(limited)
        .extracting(FailureResponse::kind, FailureResponse::reason, FailureResponse::given)
        .containsExactly(Kind.TRANSIENT, Reasons.RATE_LIMITED, Duration.ofSeconds(7));
    assertThat(open)
        .extracting(FailureResponse::kind, FailureResponse::reason, FailureResponse::given)
        .containsExactly(Kind.TRANSIENT, Reasons.CIRCUIT_OPEN, Duration.ofSeconds(20));
  }

  @Test
  void aRefusedWriteIsHeldForAnHourAtMost() {
    Instant now = Instant.parse("2026-12-05T12:00:00Z");
    FlagReleaseCondition stalled = new FlagReleaseCondition();
    stalled.setLastTransitionTime("2026-12-05T11:01:00Z");
    assertThat(FailureResponse.heldLongEnough(stalled, now)).isFalse();
    stalled.setLastTransitionTime("2026-12-05T11:00:00Z");
    assertThat(FailureResponse.heldLongEnough(stalled, now)).isTrue();
    stalled.setLastTransitionTime(null);
    assertThat(FailureResponse.heldLongEnough(stalled, now)).as("no time: held").isFalse();
  }
}
