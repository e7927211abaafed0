package io.flagops.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final Instant T1 = Instant.parse("2026-01-01T10:00:00.123Z");
  private static final Instant T2 = Instant.parse("2026-01-01T11:00:00Z");

  @Test
  void addsAConditionStampedWithGenerationAndTime() {
    List<FlagReleaseCondition> result =
        Conditions.set(List.of(), "Ready", true, "InSync", "matches", 3L, T1);

    assertThat(result)
        .containsExactly(
            new FlagReleaseCondition(
                "Ready", "True", "InSync", "matches", 3L, "2026-01-01T10:00:00Z"));
  }

  @Test
  void keepsTheTransitionTimeWhenNothingButTheGenerationChanged() {
    List<FlagReleaseCondition> first =
        Conditions.set(List.of(), "Ready", true, "InSync", "matches", 3L, T1);

    List<FlagReleaseCondition> second =
        Conditions.set(first, "Ready", true, "InSync", "matches", 4L, T2);

    assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(second.get(0).getObservedGeneration()).isEqualTo(4L);
  }

  @Test
  void movesTheTransitionTimeWhenStatusReasonOrMessageChange() {
    List<FlagReleaseCondition> first =
        Conditions.set(List.of(), "Ready", true, "InSync", "matches", 3L, T1);

    assertThat(transitionAfter(first, false, "InSync", "matches"))
        .isEqualTo("2026-01-01T11:00:00Z");
    assertThat(transitionAfter(first, true, "Other", "matches")).isEqualTo("2026-01-01T11:00:00Z");
    assertThat(transitionAfter(first, true, "InSync", "other")).isEqualTo("2026-01-01T11:00:00Z");
  }

  @Test
  void leavesOtherConditionsInPlace() {
    List<FlagReleaseCondition> conditions =
        Conditions.set(List.of(), "Ready", false, "Waiting", "w", 1L, T1);
    conditions = Conditions.set(conditions, "Stalled", false, "Waiting", "w", 1L, T1);

    List<FlagReleaseCondition> result =
        Conditions.set(conditions, "Ready", true, "InSync", "ok", 1L, T2);

    assertThat(result)
        .extracting(FlagReleaseCondition::getType)
        .containsExactly("Ready", "Stalled");
    assertThat(result.get(1)).isEqualTo(conditions.get(1));
    assertThat(Conditions.find(result, "Ready").getStatus()).isEqualTo("True");
    assertThat(Conditions.find(result, "Stalled").getStatus()).isEqualTo("False");
    assertThat(Conditions.find(result, "Reconciling")).isNull();
  }

  private static String transitionAfter(
      List<FlagReleaseCondition> first, boolean status, String reason, String message) {
    return Conditions.set(first, "Ready", status, reason, message, 3L, T2)
        .get(0)
        .getLastTransitionTime();
  }
}
