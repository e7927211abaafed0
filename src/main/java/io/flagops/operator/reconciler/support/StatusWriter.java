package io.flagops.operator.reconciler.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

  /** The resource version each resource (by uid) had after the last status this process wrote. */
  private final Map<String, Long> written = new ConcurrentHashMap<>();

  public StatusWriter(KubernetesClient kubernetes, ObjectMapper json) {
    this.kubernetes = kubernetes;
    this.json = json.copy().setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);
  }

  /**
   * Writes {@code status} unless the resource already has exactly that status. The resource holds
   * it from now on, even when the write fails: the error status written next then keeps what this
   * pass learned (whose release it is above all) instead of the record from before it.
   */
  public boolean writeIfChanged(FlagRelease resource, FlagReleaseStatus status) {
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
    FlagRelease updated =
        handle(resource)
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON), patch.toString());
    Long version = versionOf(updated);
    if (version != null) {
      written.put(resource.getMetadata().getUid(), version);
    }
    return true;
  }

  /**
   * Brings {@code resource} up to date when it is older than the last status written for it: a pass
   * woken by an edit made during the last one may get the resource from the watch's cache before
   * the watch delivered that pass's own writes, and must not work from the status as it was before
   * them (after a move, that older record would make the release just created look like someone
   * else's). The same object is updated, as the SDK goes on using it. One read, only then.
   */
  public void catchUp(FlagRelease resource) {
    Long last = written.get(resource.getMetadata().getUid());
    Long seen = versionOf(resource);
    if (last == null || seen == null || seen >= last) {
      return;
    }
    FlagRelease fresh = handle(resource).get();
    if (fresh != null) {
      resource.setMetadata(fresh.getMetadata());
      resource.setSpec(fresh.getSpec());
      resource.setStatus(fresh.getStatus());
    }
  }

  /** The resource is gone. */
  public void forget(String uid) {
    written.remove(uid);
  }

  private Resource<FlagRelease> handle(FlagRelease resource) {
    return kubernetes
        .resources(FlagRelease.class)
        .inNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName());
  }

  /** Resource versions are opaque to clients, but numbers on every API server in use (etcd's). */
  private static Long versionOf(FlagRelease resource) {
    String version = resource == null ? null : resource.getMetadata().getResourceVersion();
    try {
      return version == null ? null : Long.valueOf(version);
    } catch (NumberFormatException e) {
      return null; // then nothing is compared
    }
  }
}
