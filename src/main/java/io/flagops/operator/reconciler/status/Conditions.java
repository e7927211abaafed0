package io.flagops.operator.reconciler.status;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets conditions the kstatus way: {@code lastTransitionTime} moves only when status, reason or
 * message changes, so an unchanged resource gets an identical status and no write.
 */
public final class Conditions {
  private Conditions() {}

  /** A copy of {@code current} with condition {@code type} set as given, others kept in order. */
  public static List<FlagReleaseCondition> set(
      List<FlagReleaseCondition> current,
      String type,
      boolean status,
      String reason,
      String message,
      Long observedGeneration,
      Instant now) {
    String statusText = status ? "True" : "False";
    List<FlagReleaseCondition> result = new ArrayList<>();
    boolean found = false;
    for (FlagReleaseCondition existing :
        current == null ? List.<FlagReleaseCondition>of() : current) {
      if (!type.equals(existing.getType())) {
        result.add(existing);
        continue;
      }
      found = true;
      boolean transition =
          !statusText.equals(existing.getStatus())
              || !Objects.equals(reason, existing.getReason())
              || !Objects.equals(message, existing.getMessage());
      String time = transition ? format(now) : existing.getLastTransitionTime();
      result.add(build(type, statusText, reason, message, observedGeneration, time));
    }
    if (!found) {
      result.add(build(type, statusText, reason, message, observedGeneration, format(now)));
    }
    return result;
  }

  /** The condition of that type, or null. */
  public static FlagReleaseCondition find(List<FlagReleaseCondition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** Whether the condition of that type is there and True. */
  public static boolean isTrue(List<FlagReleaseCondition> conditions, String type) {
    return findTrue(conditions, type) != null;
  }

  /** The condition of that type when it is True, else null. */
  public static FlagReleaseCondition findTrue(List<FlagReleaseCondition> conditions, String type) {
    FlagReleaseCondition condition = find(conditions, type);
    return condition != null && "True".equals(condition.getStatus()) ? condition : null;
  }

  /** The resource's Stalled condition when it is True for the current spec generation. */
  public static Optional<FlagReleaseCondition> currentStall(FlagRelease resource) {
    FlagReleaseCondition stalled =
        resource.getStatus() == null
            ? null
            : findTrue(resource.getStatus().getConditions(), ConditionTypes.STALLED);
    return Optional.ofNullable(stalled)
        .filter(
            s -> Objects.equals(resource.getMetadata().getGeneration(), s.getObservedGeneration()));
  }

  private static FlagReleaseCondition build(
      String type,
      String status,
      String reason,
      String message,
      Long observedGeneration,
      String time) {
    return new FlagReleaseCondition(type, status, reason, message, observedGeneration, time);
  }

  private static String format(Instant now) {
    return now.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
