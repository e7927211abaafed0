package io.flagops.operator.reconciler.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class StillAsReadTest {
  private static final FlagRelease READ = resource("uid-1", 3);

  @Test
  void aCacheBehindOrAtThePassesCopyIsNoChange() {
    assertThat(asRead(resource("uid-1", 3)).cached(r -> true)).isTrue();
    assertThat(asRead(resource("uid-1", 2)).cached(r -> true)).isTrue();
  }

  @Test
  void aNewerGenerationAnotherObjectUnderTheNameOrNoneIsAChange() {
    assertThat(asRead(resource("uid-1", 4)).cached(r -> true)).isFalse();
    assertThat(asRead(resource("uid-2", 1)).cached(r -> true)).isFalse();
    assertThat(new StillAsRead(READ, Optional::empty, Optional::empty).cached(r -> true)).isFalse();
  }

  @Test
  void whatTheCallerAlsoAsksMustHold() {
    assertThat(asRead(resource("uid-1", 3)).cached(r -> false)).isFalse();
  }

  /** The watch has not brought the edit yet: the cache still holds the pass's copy. */
  @Test
  void beforeADeleteTheKubernetesApiIsAskedWhenTheCacheLags() {
    Supplier<Optional<FlagRelease>> cache = () -> Optional.of(resource("uid-1", 3));
    assertThat(
            new StillAsRead(READ, cache, () -> Optional.of(resource("uid-1", 4))).cached(r -> true))
        .as("a write that can be undone asks the cache only")
        .isTrue();
    assertThat(
            new StillAsRead(READ, cache, () -> Optional.of(resource("uid-1", 4)))
                .confirmed(r -> true))
        .isFalse();
    assertThat(new StillAsRead(READ, cache, Optional::empty).confirmed(r -> true))
        .as("gone from the API: its finalizer removed by hand")
        .isFalse();
    assertThat(
            new StillAsRead(READ, cache, () -> Optional.of(resource("uid-1", 3)))
                .confirmed(r -> true))
        .isTrue();
  }

  @Test
  void aChangeTheCacheShowsNeedsNoCallAndAFailedReadDeletesNothing() {
    AtomicInteger reads = new AtomicInteger();
    StillAsRead changed =
        new StillAsRead(
            READ,
            () -> Optional.of(resource("uid-1", 4)),
            () -> {
              reads.incrementAndGet();
              return Optional.of(READ);
            });
    assertThat(changed.confirmed(r -> true)).isFalse();
    assertThat(reads).hasValue(0);

    StillAsRead unreadable =
        new StillAsRead(
            READ,
            () -> Optional.of(READ),
            () -> {
              throw new KubernetesClientException("connection refused");
            });
    assertThatThrownBy(() -> unreadable.confirmed(r -> true))
        .isInstanceOf(KubernetesClientException.class);
  }

  private static StillAsRead asRead(FlagRelease cached) {
    return new StillAsRead(READ, () -> Optional.of(cached), () -> Optional.of(READ));
  }

  private static FlagRelease resource(String uid, long generation) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("team-a")
            .withName("checkout")
            .withUid(uid)
            .withGeneration(generation)
            .build());
    return resource;
  }
}
