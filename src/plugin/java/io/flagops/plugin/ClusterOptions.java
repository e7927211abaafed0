package io.flagops.plugin;

import picocli.CommandLine.Option;

/** Where to look, as kubectl is told: the kubeconfig (KUBECONFIG or ~/.kube/config) by default. */
final class ClusterOptions {
  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Namespace of the FlagRelease (default: the kubeconfig context's).")
  String namespace;

  @Option(
      names = "--context",
      paramLabel = "CONTEXT",
      description = "kubeconfig context to use (default: the current one).")
  String context;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "kubeconfig file (default: KUBECONFIG, else ~/.kube/config).")
  String kubeconfig;

  Cluster connect() {
    return Cluster.connect(this);
  }
}
