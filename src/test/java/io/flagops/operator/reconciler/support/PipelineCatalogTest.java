package io.flagops.operator.reconciler.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.ReadOnlyClient;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pipelines are remembered per token without holding the tokens, and never without bound. */
class PipelineCatalogTest {
  private final AtomicInteger reads = new AtomicInteger();

  private final LaunchDarklyClient pipelines =
      new ReadOnlyClient() {
        @Override
        public Optional<ReleasePipeline> getReleasePipeline(
            AccessToken token, String projectKey, String pipelineKey) {
          reads.incrementAndGet();
          return Optional.of(new ReleasePipeline(pipelineKey, pipelineKey, false, List.of()));
        }
      };

  @Test
  void aPipelineIsReadOncePerAccount() {
    PipelineCatalog catalog = new PipelineCatalog();

    catalog.isLegacy(pipelines.as(AccessToken.of("api-one")), "shop", "standard");
    catalog.isLegacy(pipelines.as(AccessToken.of("api-one")), "shop", "standard");
    catalog.isLegacy(pipelines.as(AccessToken.of("api-two")), "shop", "standard");

    assertThat(reads).hasValue(2);
  }

  @Test
  void aRecentReadServesChecksThatDeleteNothingAndAFreshReadIsAlwaysMade() {
    PipelineCatalog catalog = new PipelineCatalog();
    var session = pipelines.as(AccessToken.of("api-one"));

    assertThat(catalog.recent(session, "shop", "standard").fresh()).isTrue();
    assertThat(catalog.recent(session, "shop", "standard").fresh()).isFalse();
    assertThat(catalog.recent(session, "shop", "standard").pipeline()).isPresent();
    assertThat(reads).hasValue(1);

    catalog.read(session, "shop", "standard"); // before a move deletes anything
    assertThat(reads).hasValue(2);
    assertThat(catalog.recent(pipelines.as(AccessToken.of("api-two")), "shop", "standard").fresh())
        .as("another account's pipeline of the same keys")
        .isTrue();
  }

  /**
   * The legacy check's read counts as recent: a legacy release's guardrails cost no second read.
   */
  @Test
  void theLegacyChecksReadServesTheNextFiveMinutes() {
    PipelineCatalog catalog = new PipelineCatalog();
    var session = pipelines.as(AccessToken.of("api-one"));

    catalog.definition(session, "shop", "standard");

    assertThat(catalog.recent(session, "shop", "standard").fresh()).isFalse();
    assertThat(reads).hasValue(1);
  }

  @Test
  void rotatedTokensDoNotGrowTheCacheWithoutBound() {
    PipelineCatalog catalog = new PipelineCatalog();

    for (int i = 0; i < 3 * PipelineCatalog.MAX_PIPELINES; i++) {
      catalog.isLegacy(pipelines.as(AccessToken.of("api-rotated-" + i)), "shop", "standard");
    }

    assertThat(catalog.size()).isLessThanOrEqualTo(PipelineCatalog.MAX_PIPELINES);
  }

  @Test
  void aFingerprintStandsForTheTokenWithoutShowingIt() {
    AccessToken token = AccessToken.of("api-secret-value-123");

    assertThat(token.fingerprint()).hasSize(32).doesNotContain("secret");
    assertThat(token.fingerprint()).isEqualTo(AccessToken.of("api-secret-value-123").fingerprint());
    assertThat(token.fingerprint()).isNotEqualTo(AccessToken.of("api-other").fingerprint());
  }
}
