package io.flagops.operator.reconciler.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Supplier;

/**
 * Whether the FlagRelease CustomResourceDefinition itself is being deleted. Kubernetes then deletes
 * every FlagRelease with it (an uninstall by {@code kubectl delete -k}, an Argo CD Application
 * deleted with its resources), which is never a request to delete their releases. The CRD is marked
 * for deletion before any of its FlagReleases is, so a fresh read tells.
 */
@ApplicationScoped
public class DefinitionDeletion {
  public static final String CRD = HasMetadata.getFullResourceName(FlagRelease.class);

  private final Supplier<CustomResourceDefinition> read;

  @Inject
  public DefinitionDeletion(KubernetesClient kubernetes) {
    this(() -> kubernetes.apiextensions().v1().customResourceDefinitions().withName(CRD).get());
  }

  /** Reads the CRD with {@code read} (null: not found). */
  public DefinitionDeletion(Supplier<CustomResourceDefinition> read) {
    this.read = read;
  }

  /** A CRD marked for deletion or already gone counts as being deleted. */
  public boolean inProgress() throws Unreadable {
    CustomResourceDefinition definition;
    try {
      definition = read.get();
    } catch (KubernetesClientException e) {
      throw new Unreadable(e.getCode() == 403, e.getCode() == 403 ? "forbidden" : e.getMessage());
    }
    return definition == null || definition.getMetadata().getDeletionTimestamp() != null;
  }

  /** The CRD could not be read: {@code forbidden} when RBAC, not the API server, said no. */
  public static final class Unreadable extends Exception {
    private final boolean forbidden;

    Unreadable(boolean forbidden, String cause) {
      super(
          "the operator could not read the CustomResourceDefinition "
              + CRD
              + " ("
              + cause
              + "), which tells one FlagRelease deleted from all of them deleted with their CRD");
      this.forbidden = forbidden;
    }

    public boolean forbidden() {
      return forbidden;
    }
  }
}
