package io.flagops.operator.launchdarkly.model;

/** One JSON Patch operation. */
public record PatchOperation(String op, String path, Object value) {

  /** Marks the phase at {@code index} complete or not, the only patch legacy releases accept. */
  public static PatchOperation setPhaseComplete(int index, boolean complete) {
    return new PatchOperation("replace", "/phases/" + index + "/complete", complete);
  }
}
