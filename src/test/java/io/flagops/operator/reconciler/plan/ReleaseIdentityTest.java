package io.flagops.operator.reconciler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseIdentityTest {
  @Test
  void twoReleasesDifferWhenEitherSignalBothKnowDiffers() {
    ReleaseIdentity made = ReleaseIdentity.of(release(1000L, "a1", "a2"));

    assertThat(made.differsFrom(ReleaseIdentity.of(release(1000L, "a2", "a1"))))
        .as("the same audiences, in another order")
        .isFalse();
    assertThat(made.differsFrom(ReleaseIdentity.of(release(1000L, "b1", "b2"))))
        .as("made again, dated by the pipeline")
        .isTrue();
    assertThat(made.differsFrom(ReleaseIdentity.of(release(1000L, "a2"))))
        .as("a read listing fewer of its audiences")
        .isFalse();
    assertThat(made.differsFrom(ReleaseIdentity.of(release(2000L, "a1", "a2"))))
        .as("made again at another time")
        .isTrue();
    assertThat(made.differsFrom(new ReleaseIdentity(1000L, null)))
        .as("a status written before audienceIds: the date alone")
        .isFalse();
    assertThat(made.differsFrom(ReleaseIdentity.UNKNOWN)).isFalse();
    assertThat(ReleaseIdentity.of(release(1000L)).audienceIds()).as("no audiences").isNull();
  }

  /**
   * A status an earlier snapshot wrote, with one 12-digit digest of all audiences: compared with
   * nothing, or the operator's own release would look made again and turn Adopted.
   */
  @Test
  void audienceIdsRecordedInAnotherFormatAreUnknown() {
    ObservedRelease earlier = new ObservedRelease();
    earlier.setAudienceIds("0123456789ab");
    ObservedRelease now = new ObservedRelease();
    now.setAudienceIds(ReleaseIdentity.audienceIdsOf(release(1000L, "a1", "a2")));

    assertThat(ReleaseIdentity.recorded(earlier).audienceIds()).isNull();
    assertThat(
            ReleaseIdentity.recorded(earlier).differsFrom(ReleaseIdentity.of(release(1000L, "a1"))))
        .isFalse();
    assertThat(ReleaseIdentity.recorded(now).audienceIds()).isEqualTo(now.getAudienceIds());
  }

  private static Release release(long created, String... audienceIds) {
    List<ReleaseAudience> audiences =
        List.of(audienceIds).stream()
            .map(id -> new ReleaseAudience(id, "Audience " + id, null, null, null, null))
            .toList();
    ReleasePhase phase =
        new ReleasePhase("p1", "Testing", false, created, null, audiences, "Started", true, 1L);
    return new Release("Standard", "standard", "", List.of(phase), 3L, null, null);
  }
}
