package io.flagops.operator.testing;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flagops.operator.config.TokenSecretScope;
import java.util.Map;

/** Token Secrets as a team makes them: labelled for the operator to see them. */
public final class TokenSecrets {
  private TokenSecrets() {}

  /** Creates the labelled Secret with these keys, or replaces it. */
  public static Secret put(
      KubernetesClient client, String namespace, String name, Map<String, String> tokens) {
    return client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .addToLabels(TokenSecretScope.LABEL, "true")
                .endMetadata()
                .withStringData(tokens)
                .build())
        .createOr(secret -> secret.update());
  }
}
