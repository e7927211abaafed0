package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What tells one release of a flag from another made after it, on the same pipeline too:
 * LaunchDarkly gives a release no ID, so its creation date (its phases') and its audiences' IDs
 * (only a release's audiences carry one) stand for it. LaunchDarkly documents neither as unique to
 * a release, so two releases are taken as different when either signal, known on both sides,
 * differs: a release wrongly taken for another is left alone, one wrongly taken for this resource's
 * could be deleted. The audiences differ only when no ID is in both: a release made again has new
 * ones for all, while a read that lists fewer audiences of the same release (undocumented, but
 * cheap to allow) must not turn it into another for good.
 *
 * @param createdAt epoch milliseconds; null when unknown
 * @param audienceIds a short digest of each audience's ID, sorted and separated by spaces; null
 *     when unknown (or the release has none)
 */
public record ReleaseIdentity(Long createdAt, String audienceIds) {
  public static final ReleaseIdentity UNKNOWN = new ReleaseIdentity(null, null);

  /** What {@link #audienceIdsOf} writes; anything else recorded is compared with nothing. */
  private static final Pattern DIGESTS = Pattern.compile("[0-9a-f]{8}( [0-9a-f]{8})*");

  /** The identity of a release as LaunchDarkly shows it; {@link #UNKNOWN} for none. */
  public static ReleaseIdentity of(Release release) {
    return release == null
        ? UNKNOWN
        : new ReleaseIdentity(release.createdAt(), audienceIdsOf(release));
  }

  /**
   * The identity of the release the status last recorded; unknown parts (a status written by an
   * older operator, an unreadable date) are compared with nothing.
   */
  public static ReleaseIdentity recorded(FlagReleaseStatus status) {
    return recorded(status == null ? null : status.getRelease());
  }

  /** The identity of a release as a status records it ({@code status.release}). */
  public static ReleaseIdentity recorded(ObservedRelease release) {
    if (release == null) {
      return UNKNOWN;
    }
    Long createdAt;
    try {
      createdAt =
          release.getCreatedAt() == null
              ? null
              : Instant.parse(release.getCreatedAt()).toEpochMilli();
    } catch (DateTimeParseException e) {
      createdAt = null;
    }
    String audienceIds = release.getAudienceIds();
    if (audienceIds != null && !DIGESTS.matcher(audienceIds).matches()) {
      audienceIds = null; // another format (an earlier snapshot's): its digests would match none
    }
    return new ReleaseIdentity(createdAt, audienceIds);
  }

  /** Whether this and {@code other} are two releases: a signal both know differs. */
  public boolean differsFrom(ReleaseIdentity other) {
    return createdAtAnotherTime(other)
        || (audienceIds != null
            && other.audienceIds != null
            && Collections.disjoint(digests(audienceIds), digests(other.audienceIds)));
  }

  /** Whether both creation times are known and differ. */
  public boolean createdAtAnotherTime(ReleaseIdentity other) {
    return createdAt != null && other.createdAt != null && !createdAt.equals(other.createdAt);
  }

  private static Set<String> digests(String audienceIds) {
    return Set.of(audienceIds.split(" "));
  }

  /**
   * 8 hex digits of a SHA-256 digest of each audience's ID (a release's digests do not collide with
   * another's but once in billions), sorted, separated by spaces; null when it has none.
   */
  public static String audienceIdsOf(Release release) {
    String digests =
        release.phases().stream()
            .flatMap(
                phase -> phase.audiences() == null ? Stream.empty() : phase.audiences().stream())
            .map(ReleaseAudience::id)
            .filter(id -> id != null && !id.isEmpty())
            .map(ReleaseIdentity::digest)
            .distinct()
            .sorted()
            .collect(Collectors.joining(" "));
    return digests.isEmpty() ? null : digests;
  }

  private static String digest(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
