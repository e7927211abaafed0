package io.flagops.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.quarkiverse.operatorsdk.runtime.QuarkusConfigurationService;
import io.quarkiverse.operatorsdk.runtime.QuarkusControllerConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The operator, with each reconciler registered as its annotation says. It replaces the extension's
 * default producer for one reason: quarkus-operator-sdk 7.7 reads {@code
 * triggerReconcilerOnAllEvents} from {@link ControllerConfiguration} but its runtime configuration
 * never hands it to the SDK, which would then call the reconciler for no deletion at all (the
 * reconciler adds and removes its own finalizer in that mode).
 */
@Singleton
public class OperatorRegistration {

  @Produces
  @ApplicationScoped
  Operator operator(
      QuarkusConfigurationService configuration,
      Instance<Reconciler<? extends HasMetadata>> reconcilers) {
    Operator operator = new Operator(configuration);
    for (Reconciler<? extends HasMetadata> reconciler : reconcilers) {
      register(configuration, reconciler, operator);
    }
    // no SDK shutdown hook: OperatorLifecycle stops the operator on Quarkus' shutdown, once, after
    // telling LostLease that losing the Lease is then expected
    return operator;
  }

  /** As the extension registers it, only with the annotation's all-events value handed on. */
  private static <P extends HasMetadata> void register(
      QuarkusConfigurationService configuration, Reconciler<P> reconciler, Operator operator) {
    var declared =
        (QuarkusControllerConfiguration<P>) configuration.getConfigurationFor(reconciler);
    boolean onAllEvents = onAllEvents(reconciler.getClass());
    var registered =
        new QuarkusControllerConfiguration<P>(
            declared.getInformerConfig(),
            declared.getName(),
            declared.isGenerationAware(),
            declared.getAssociatedReconcilerClassName(),
            declared.getRetry(),
            declared.getRateLimiter(),
            declared
                .maxReconciliationInterval()
                .orElse(Duration.ofHours(MaxReconciliationInterval.DEFAULT_INTERVAL)),
            declared.getFinalizerName(),
            declared.fieldManager(),
            declared.getWorkflow(),
            declared.getResourceTypeName(),
            declared.getResourceClass()) {
          @Override
          public boolean triggerReconcilerOnAllEvents() {
            return onAllEvents;
          }
        };
    registered.setParent(configuration);
    operator.register(reconciler, registered);
  }

  /** The annotation's value, looked up through CDI's subclasses of the reconciler. */
  static boolean onAllEvents(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      ControllerConfiguration annotation = c.getAnnotation(ControllerConfiguration.class);
      if (annotation != null) {
        return annotation.triggerReconcilerOnAllEvents();
      }
    }
    return false;
  }
}
