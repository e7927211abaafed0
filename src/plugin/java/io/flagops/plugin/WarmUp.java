package io.flagops.plugin;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Loads the classes a real command loads, without touching any cluster: the launcher runs it once
 * per install to record the JVM's class-data archive, which every later start maps in.
 */
@Command(name = "warm-up", hidden = true)
final class WarmUp implements Callable<Integer> {
  private static final String SAMPLE =
      """
      apiVersion: flagops.io/v1alpha1
      kind: FlagRelease
      metadata:
        name: sample
        namespace: default
      spec:
        projectKey: project
        flagKey: flag
        releasePipelineKey: pipeline
        phases:
          - name: Testing
            status: Complete
      """;

  @Override
  public Integer call() {
    FlagRelease sample =
        Manifests.parse(new ByteArrayInputStream(SAMPLE.getBytes(StandardCharsets.UTF_8)), "sample")
            .get(0)
            .resource();
    StatusView.render(sample);
    // a request to a closed port: the client, its HTTP stack and its error path, in a few ms
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:1")
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build()) {
      client.resources(FlagRelease.class).inNamespace("default").withName("sample").get();
    } catch (KubernetesClientException expected) {
      // nothing listens there
    }
    return ExitCodes.OK;
  }
}
