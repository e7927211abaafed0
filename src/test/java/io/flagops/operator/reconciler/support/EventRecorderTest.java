package io.flagops.operator.reconciler.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.sandbox.Sandbox;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Warnings are not repeated within the quiet period, each resource's remembered apart. */
class EventRecorderTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-05T10:00:00Z"));
  private KubernetesMockServer server;
  private KubernetesClient client;
  private EventRecorder events;

  @BeforeEach
  void start() {
    server = Sandbox.newCrudMockServer();
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now.get();
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    events = new EventRecorder(client, clock);
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void aWarningAlternatingWithOthersIsSaidOncePerQuietPeriod() {
    FlagRelease mine = resource("team-a", "mine");
    events.warning(mine, "LaunchDarklyUnavailable", "reading the release: 503 (error id 1)");
    events.warning(mine, "RateLimited", "reading the release: 429");
    events.warning(mine, "LaunchDarklyUnavailable", "reading the release: 503 (error id 2)");
    assertThat(warnings("team-a")).isEqualTo(2);

    now.set(now.get().plus(Duration.ofMinutes(11)));
    events.warning(mine, "LaunchDarklyUnavailable", "reading the release: 503 (error id 3)");
    assertThat(warnings("team-a")).isEqualTo(3);
  }

  /** A resource made again under the same name is a new one: its first warning is said. */
  @Test
  void aForgottenResourcesWarningIsSaidAgain() {
    FlagRelease mine = resource("team-a", "mine");
    events.warning(mine, "Unauthorized", "reading the release: 401");
    events.forget(mine.getMetadata().getUid());
    events.warning(mine, "Unauthorized", "reading the release: 401");

    assertThat(warnings("team-a")).isEqualTo(2);
  }

  private long warnings(String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()))
        .count();
  }

  private static FlagRelease resource(String namespace, String name) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withUid(namespace + "-" + name)
            .build());
    return resource;
  }
}
