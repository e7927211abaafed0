package io.flagops.operator.reconciler.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes a FlagRelease's status as one JSON Patch ({@code add /status}) on the status subresource:
 * the whole status is replaced, so fields that became empty disappear and lists never merge. The
 * same request in tests and production (server-side apply is off: the Fabric8 mock server does not
 * support it, and its merge patch appends to lists).
 */
@ApplicationScoped
public class StatusWriter {
  private final KubernetesClient kubernetes;
  private final ObjectMapper json;

  public StatusWriter(KubernetesClient kubernetes, ObjectMapper json) {
    this.kubernetes = kubernetes;
    this.json = json.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL);
  }

  /**
   * Writes {@code status} unless the resource already has exactly that status. The resource holds
   * it from now on, even when the write fails: the error status written next then keeps what this
   * pass learned (whose release it is above all) instead of the record from before it.
   */
  public boolean writeIfChanged(
      FlagRelease resource, FlagReleaseStatus status, Context<FlagRelease> context) {
    if (status.equals(resource.getStatus())) {
      return false;
    }
    resource.setStatus(status);
    ArrayNode patch = json.createArrayNode();
    patch
        .addObject()
        .put("op", "add")
        .put("path", "/status")
        .set("value", json.valueToTree(status));
    // through the SDK's cache of the resource: the next pass reads this status even when a spec
    // edit made during this pass wakes it before the watch has delivered the write
    context
        .resourceOperations()
        .resourcePatch(
            resource,
            r ->
                kubernetes
                    .resources(FlagRelease.class)
                    .inNamespace(r.getMetadata().getNamespace())
                    .withName(r.getMetadata().getName())
                    .subresource("status")
                    .patch(PatchContext.of(PatchType.JSON), patch.toString()),
            context.eventSourceRetriever().getControllerEventSource());
    return true;
  }
}
