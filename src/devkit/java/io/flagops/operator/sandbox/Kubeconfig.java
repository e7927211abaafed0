package io.flagops.operator.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig that points {@code kubectl} at the gateway. */
final class Kubeconfig {
  static final String CONTEXT = "flagops-sandbox";
  static final String NAMESPACE = "default";
  static final String TOKEN = "sandbox-token-not-a-secret";

  private Kubeconfig() {}

  static String render(String serverUrl) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: " + CONTEXT,
        "  cluster:",
        "    server: " + serverUrl,
        "users:",
        "- name: " + CONTEXT,
        "  user:",
        "    token: " + TOKEN,
        "contexts:",
        "- name: " + CONTEXT,
        "  context:",
        "    cluster: " + CONTEXT,
        "    user: " + CONTEXT,
        "    namespace: " + NAMESPACE,
        "current-context: " + CONTEXT,
        "preferences: {}",
        "");
  }

  static Path write(Path file, String serverUrl) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, render(serverUrl));
    return file;
  }
}
