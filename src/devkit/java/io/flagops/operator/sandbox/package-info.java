/**
 * The sandbox's {@link io.flagops.operator.sandbox.KubectlGateway}: an HTTP server (Vert.x Web) in
 * front of the Fabric8 mock API server so that the real {@code kubectl} can drive the sandbox.
 *
 * <p>Roles: {@code GatewayRouter} routes; {@code Discovery} and {@code OpenApi}/{@code
 * OpenApiSchemas} describe the kinds of the {@code ResourceCatalog} (built-in {@code BuiltinTypes}
 * plus CRDs); {@code Reads} answers GETs (as {@code Tables} when asked), {@code WatchStream}
 * answers watches as chunked HTTP; {@code Writes} creates, updates, patches ({@code MergePatch})
 * and deletes after {@code Admission} (CRD schema and CEL rules through {@code CrdValidator});
 * {@code MockClient} talks to the mock. {@code Ages}, {@code FieldSelector} and {@code
 * KubeProtobuf} reproduce small parts of the API server; {@code JsonPath} reads printer columns
 * through the Jayway JsonPath library.
 *
 * <p>Start it with {@code KubectlGateway.start(0, mockUrl, crds)}, write a kubeconfig with {@code
 * writeKubeconfig(path)}, then {@code kubectl --kubeconfig <path> get fr}.
 */
package io.flagops.operator.sandbox;
