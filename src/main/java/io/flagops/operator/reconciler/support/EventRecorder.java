package io.flagops.operator.reconciler.support;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events on FlagReleases: one for every write to LaunchDarkly and every error. A
 * warning repeated with the same reason and message is recorded once per quiet period, so a
 * resource retrying for hours does not flood the namespace.
 */
@ApplicationScoped
public class EventRecorder {
  static final String COMPONENT = "flagrelease-operator";
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final Duration QUIET_PERIOD = Duration.ofMinutes(10);
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient kubernetes;
  private final Clock clock;

  /** Distinct warnings remembered per resource: a few alternate (a 503, then a 429, ...). */
  private static final int WARNINGS_PER_RESOURCE = 8;

  /**
   * The recent warnings of each resource (by UID), and when each was recorded: the memory grows
   * with the resources alone, and one team's churn never makes another's warnings repeat.
   */
  private final Map<String, Map<String, Instant>> lastWarnings = new ConcurrentHashMap<>();

  public EventRecorder(KubernetesClient kubernetes, Clock clock) {
    this.kubernetes = kubernetes;
    this.clock = clock;
  }

  public void normal(FlagRelease resource, String reason, String message) {
    record(resource, "Normal", reason, message);
  }

  public void warning(FlagRelease resource, String reason, String message) {
    Instant now = clock.instant();
    // the same warning again, LaunchDarkly's error id aside (it differs on every answer)
    String key = reason + "|" + LaunchDarklyException.withoutErrorId(message);
    Map<String, Instant> recent =
        lastWarnings.computeIfAbsent(
            String.valueOf(resource.getMetadata().getUid()), uid -> new LinkedHashMap<>());
    synchronized (recent) {
      recent.values().removeIf(at -> !at.plus(QUIET_PERIOD).isAfter(now));
      if (recent.containsKey(key)) {
        return;
      }
      if (recent.size() >= WARNINGS_PER_RESOURCE) {
        recent.remove(recent.keySet().iterator().next()); // the oldest
      }
      recent.put(key, now);
    }
    record(resource, "Warning", reason, message);
  }

  /** The resource is gone: its last warning is forgotten. */
  public void forget(String uid) {
    lastWarnings.remove(String.valueOf(uid));
  }

  private void record(FlagRelease resource, String type, String reason, String message) {
    String now = clock.instant().toString();
    String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(resource.getMetadata().getName() + ".")
            .withNamespace(resource.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(resource.getApiVersion())
                    .withKind(resource.getKind())
                    .withName(resource.getMetadata().getName())
                    .withNamespace(resource.getMetadata().getNamespace())
                    .withUid(resource.getMetadata().getUid())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(text)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      kubernetes
          .v1()
          .events()
          .inNamespace(resource.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (KubernetesClientException e) {
      // an event is a courtesy: never fail a reconcile over it
      LOG.warnf(
          "could not record event %s on %s: %s",
          reason, resource.getMetadata().getName(), e.getMessage());
    }
  }
}
