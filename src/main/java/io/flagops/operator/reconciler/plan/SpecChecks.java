package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.AudienceSpec;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseGuardianSpec;
import io.flagops.operator.api.v1alpha1.SpecObject;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The spec rules the CRD schema states, checked again in code: an API server without the schema (or
 * an old CRD) must not let a bad spec reach LaunchDarkly. Messages name the field.
 */
final class SpecChecks {
  private static final Pattern KEY = Pattern.compile(FlagReleaseSpec.KEY_PATTERN);
  private static final String UPGRADE =
      "upgrade the operator (or the kubectl plugin, when it is the one behind)";

  private SpecChecks() {}

  static Optional<Verdict> check(FlagReleaseSpec spec) {
    if (spec == null) {
      return invalid("spec is missing");
    }
    Optional<Verdict> unknown = unknownFields(spec);
    if (unknown.isPresent()) {
      return unknown;
    }
    Optional<Verdict> keys =
        key("spec.projectKey", spec.getProjectKey())
            .or(() -> key("spec.flagKey", spec.getFlagKey()))
            .or(() -> key("spec.releasePipelineKey", spec.getReleasePipelineKey()));
    if (keys.isPresent()) {
      return keys;
    }
    if (isEmpty(spec.getReleaseVariationId())) {
      return invalid(
          "spec.releaseVariationId is empty: name a variation id, or remove the field to release"
              + " the variation LaunchDarkly chooses");
    }
    Set<String> phaseNames = new HashSet<>();
    for (int i = 0; i < spec.getPhases().size(); i++) {
      PhaseSpec phase = spec.getPhases().get(i);
      String at = "spec.phases[" + i + "]";
      if (phase == null || phase.getName() == null || phase.getName().isBlank()) {
        return invalid(at + ".name is required");
      }
      if (!phaseNames.add(phase.getName())) {
        return invalid(at + ".name: phase '" + phase.getName() + "' is listed twice");
      }
      if (phase.getStatus() == null) {
        return invalid(at + ".status is required (NotStarted, Started or Complete)");
      }
      Optional<Verdict> audiences = checkAudiences(at, phase);
      if (audiences.isPresent()) {
        return audiences;
      }
    }
    return Optional.empty();
  }

  private static Optional<Verdict> checkAudiences(String phaseAt, PhaseSpec phase) {
    Set<String> names = new HashSet<>();
    for (int j = 0; j < phase.getAudiences().size(); j++) {
      AudienceSpec audience = phase.getAudiences().get(j);
      String at = phaseAt + ".audiences[" + j + "]";
      if (audience == null || audience.getName() == null || audience.getName().isBlank()) {
        return invalid(at + ".name is required");
      }
      if (!names.add(audience.getName())) {
        return invalid(at + ".name: audience '" + audience.getName() + "' is listed twice");
      }
      ReleaseGuardianSpec guardian = audience.getReleaseGuardian();
      if (guardian == null) {
        continue;
      }
      if (isEmpty(guardian.getRandomizationUnit())) {
        return invalid(
            at
                + ".releaseGuardian.randomizationUnit is empty: name a context kind such as user,"
                + " or remove the field to let LaunchDarkly choose");
      }
      long window = Durations.toMillis(guardian.getMonitoringWindow());
      if (window == Durations.TOO_LONG) {
        return invalid(
            at
                + ".releaseGuardian.monitoringWindow: '"
                + guardian.getMonitoringWindow()
                + "' is too long: LaunchDarkly counts the window in milliseconds, in 64 bits");
      }
      if (window <= 0) {
        return invalid(
            at
                + ".releaseGuardian.monitoringWindow: '"
                + guardian.getMonitoringWindow()
                + "' is not a positive duration such as 30m, 1h or 90s");
      }
      Integer weight = guardian.getRolloutWeight();
      if (weight == null || weight < 0 || weight > 100) {
        return invalid(
            at + ".releaseGuardian.rolloutWeight: " + weight + " is not a percentage (0-100)");
      }
    }
    return Optional.empty();
  }

  /**
   * A deletion or management policy with a value this operator does not know: what deleting the
   * resource should do to the release cannot be told, so nothing is done.
   */
  static Optional<String> unknownPolicy(FlagReleaseSpec spec) {
    return Stream.of(FlagReleaseSpec.DELETION_POLICY, FlagReleaseSpec.MANAGEMENT_POLICY)
        .filter(spec.getUnknownValues()::containsKey)
        .findFirst()
        .map(
            field ->
                "spec."
                    + notKnown(field, spec.getUnknownValues().get(field))
                    + ", so it cannot tell what deleting this FlagRelease should do to the"
                    + " release: nothing is done to it until the value is one this operator"
                    + " knows, or the operator is upgraded");
  }

  /** The first field (or value) of the spec this operator does not know, named by its path. */
  private static Optional<Verdict> unknownFields(FlagReleaseSpec spec) {
    Optional<Verdict> found =
        unknown("spec", spec)
            .or(() -> unknown("spec.accessTokenSecretRef", spec.getAccessTokenSecretRef()));
    for (int i = 0; i < spec.getPhases().size() && found.isEmpty(); i++) {
      PhaseSpec phase = spec.getPhases().get(i);
      String at = "spec.phases[" + i + "]";
      found = unknown(at, phase);
      for (int j = 0; phase != null && j < phase.getAudiences().size() && found.isEmpty(); j++) {
        AudienceSpec audience = phase.getAudiences().get(j);
        String audienceAt = at + ".audiences[" + j + "]";
        found =
            unknown(audienceAt, audience)
                .or(
                    () ->
                        unknown(
                            audienceAt + ".releaseGuardian",
                            audience == null ? null : audience.getReleaseGuardian()));
      }
    }
    return found;
  }

  private static Optional<Verdict> unknown(String at, SpecObject part) {
    if (part == null) {
      return Optional.empty();
    }
    if (!part.getUnknownFields().isEmpty()) {
      return invalid(
          at
              + "."
              + part.getUnknownFields().get(0)
              + ": not a field this operator knows (one of a later version, or a typo), so it is"
              + " not acted on: remove it, or "
              + UPGRADE);
    }
    return part.getUnknownValues().entrySet().stream()
        .findFirst()
        .flatMap(
            value ->
                invalid(
                    at
                        + "."
                        + notKnown(value.getKey(), value.getValue())
                        + ", so it is not acted on: change it, or "
                        + UPGRADE));
  }

  /** {@code field: 'value' is not a value this operator knows (A, B or C)}. */
  private static String notKnown(String field, String value) {
    return field
        + ": '"
        + value
        + "' is not a value this operator knows ("
        + SpecObject.valuesOf(
            switch (field) {
              case FlagReleaseSpec.DELETION_POLICY -> DeletionPolicy.class;
              case FlagReleaseSpec.MANAGEMENT_POLICY -> ManagementPolicy.class;
              case PhaseSpec.STATUS -> DesiredPhaseStatus.class;
              default -> throw new IllegalArgumentException("not an enum field: " + field);
            })
        + ")";
  }

  private static Optional<Verdict> key(String field, String value) {
    if (value == null || value.isBlank()) {
      return invalid(field + " is required");
    }
    if (!KEY.matcher(value).matches()) {
      return invalid(
          field
              + ": '"
              + value
              + "' is not a LaunchDarkly key (letters, digits, '.', '_' and '-', starting with a"
              + " letter or digit)");
    }
    return Optional.empty();
  }

  /** Set but blank: a templated value that rendered empty, which LaunchDarkly would get as is. */
  private static boolean isEmpty(String optional) {
    return optional != null && optional.isBlank();
  }

  private static Optional<Verdict> invalid(String message) {
    return Optional.of(Verdict.blocked(Reasons.INVALID_SPEC, message));
  }
}
