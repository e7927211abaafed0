package io.flagops.operator.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the simulated LaunchDarkly account holds before any release exists: access tokens, projects,
 * flags and release pipelines. Read from YAML or JSON; every record checks itself so a broken seed
 * fails at load time rather than as a puzzling answer later.
 */
public record SimulatorSeed(List<String> tokens, List<ProjectSeed> projects) {

  /** LaunchDarkly allows at most 20 pipelines per project and 10 phases per pipeline. */
  static final int MAX_PIPELINES = 20;

  static final int MAX_PHASES = 10;

  private static final String DEFAULT_SEED = "/simulator/default-seed.yaml";

  // YAML is a superset of JSON, so one reader serves both; unknown keys fail to catch typos.
  private static final ObjectMapper READER =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public SimulatorSeed {
    tokens = copy(tokens);
    projects = copy(projects);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("the seed needs at least one access token");
    }
    for (String token : tokens) {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("access tokens must not be blank");
      }
    }
    unique(projects.stream().map(ProjectSeed::key).toList(), "project key");
  }

  public static SimulatorSeed load(Path yamlOrJsonFile) {
    try {
      return parse(Files.readString(yamlOrJsonFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read simulator seed " + yamlOrJsonFile, e);
    }
  }

  public static SimulatorSeed parse(String yamlOrJson) {
    if (yamlOrJson == null || yamlOrJson.isBlank()) {
      throw new IllegalArgumentException("the simulator seed is empty");
    }
    try {
      SimulatorSeed seed = READER.readValue(yamlOrJson, SimulatorSeed.class);
      if (seed == null) {
        throw new IllegalArgumentException("the simulator seed is empty");
      }
      return seed;
    } catch (ValueInstantiationException e) {
      // A record refused its values: report its own message, not Jackson's wrapper.
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("invalid simulator seed: " + cause.getMessage(), e);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(
          "invalid simulator seed at " + e.getPathReference() + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid simulator seed: " + e.getOriginalMessage(), e);
    }
  }

  /** The seed shipped in the jar: two projects with automated and legacy pipelines. */
  public static SimulatorSeed defaultSeed() {
    try (InputStream in = SimulatorSeed.class.getResourceAsStream(DEFAULT_SEED)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_SEED);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DEFAULT_SEED, e);
    }
  }

  public record ProjectSeed(
      String key, String name, List<FlagSeed> flags, List<PipelineSeed> pipelines) {
    public ProjectSeed {
      requireText(key, "project key");
      name = name == null || name.isBlank() ? key : name;
      flags = copy(flags);
      pipelines = copy(pipelines);
      unique(flags.stream().map(FlagSeed::key).toList(), "flag key in project '" + key + "'");
      unique(
          pipelines.stream().map(PipelineSeed::key).toList(),
          "pipeline key in project '" + key + "'");
      if (pipelines.size() > MAX_PIPELINES) {
        throw new IllegalArgumentException(
            "project '" + key + "' has more than " + MAX_PIPELINES + " pipelines");
      }
    }
  }

  /** A flag; {@code kind} is "boolean" (the default) or anything else, e.g. "multivariate". */
  public record FlagSeed(String key, String kind, List<VariationSeed> variations) {
    public static final String BOOLEAN = "boolean";

    public FlagSeed {
      requireText(key, "flag key");
      kind = kind == null || kind.isBlank() ? BOOLEAN : kind;
      variations = copy(variations);
      if (variations.isEmpty() && BOOLEAN.equals(kind)) {
        variations = List.of(defaultVariation(key, true), defaultVariation(key, false));
      }
      if (variations.isEmpty()) {
        throw new IllegalArgumentException("flag '" + key + "' needs variations");
      }
      unique(variations.stream().map(VariationSeed::id).toList(), "variation id of flag " + key);
      if (BOOLEAN.equals(kind)
          && !variations.stream().allMatch(v -> v.value() instanceof Boolean)) {
        throw new IllegalArgumentException("boolean flag '" + key + "' has a non-boolean value");
      }
    }

    public boolean isBoolean() {
      return BOOLEAN.equals(kind);
    }

    // Stable ids, so a seed without explicit variations gives the same ids on every run.
    private static VariationSeed defaultVariation(String flagKey, boolean value) {
      byte[] name = (flagKey + "/" + value).getBytes(StandardCharsets.UTF_8);
      return new VariationSeed(UUID.nameUUIDFromBytes(name).toString(), value);
    }
  }

  /** One flag variation; {@code value} is a boolean, string, number or JSON structure. */
  public record VariationSeed(String id, Object value) {
    public VariationSeed {
      requireText(id, "variation id");
      if (value == null) {
        throw new IllegalArgumentException("variation '" + id + "' has no value");
      }
    }
  }

  /** A release pipeline; {@code legacy} pipelines are the manual, PATCH-driven kind. */
  public record PipelineSeed(
      String key, String name, String description, boolean legacy, List<PhaseSeed> phases) {
    public PipelineSeed {
      requireText(key, "pipeline key");
      requireText(name, "name of pipeline '" + key + "'");
      description = description == null ? "" : description;
      phases = copy(phases);
      if (phases.isEmpty() || phases.size() > MAX_PHASES) {
        throw new IllegalArgumentException(
            "pipeline '" + key + "' needs 1 to " + MAX_PHASES + " phases");
      }
      // Phases are addressed by name from the simulator UI, so names must be unique.
      unique(phases.stream().map(PhaseSeed::name).toList(), "phase name in pipeline " + key);
    }
  }

  public record PhaseSeed(String name, List<AudienceSeed> audiences) {
    public PhaseSeed {
      requireText(name, "phase name");
      audiences = copy(audiences);
      if (audiences.isEmpty()) {
        throw new IllegalArgumentException("phase '" + name + "' needs at least one audience");
      }
    }
  }

  /**
   * One environment (plus optional segments) of a phase; guarded when releaseGuardian is set. With
   * requireApproval, starting the phase asks the notified members and teams for approval.
   */
  public record AudienceSeed(
      String name,
      String environmentKey,
      List<String> segmentKeys,
      boolean requireApproval,
      GuardianSeed releaseGuardian,
      List<String> notifyMemberIds,
      List<String> notifyTeamKeys) {
    public AudienceSeed {
      requireText(name, "audience name");
      requireText(environmentKey, "environmentKey of audience '" + name + "'");
      segmentKeys = copy(segmentKeys);
      notifyMemberIds = copy(notifyMemberIds);
      notifyTeamKeys = copy(notifyTeamKeys);
    }
  }

  /** A guarded rollout's settings; rolloutWeight is a percentage. */
  public record GuardianSeed(
      @JsonProperty(required = true) long monitoringWindowMilliseconds,
      @JsonProperty(required = true) int rolloutWeight,
      boolean rollbackOnRegression,
      String randomizationUnit) {
    public GuardianSeed {
      if (monitoringWindowMilliseconds <= 0) {
        throw new IllegalArgumentException("monitoringWindowMilliseconds must be positive");
      }
      if (rolloutWeight < 0 || rolloutWeight > 100) {
        throw new IllegalArgumentException("rolloutWeight must be within 0..100");
      }
    }
  }

  private static <T> List<T> copy(List<T> list) {
    if (list == null) {
      return List.of();
    }
    // List.copyOf refuses nulls with a bare NullPointerException; say what is wrong instead.
    for (T item : list) {
      if (item == null) {
        throw new IllegalArgumentException("the seed has an empty list entry");
      }
    }
    return List.copyOf(list);
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing " + what);
    }
  }

  private static void unique(List<String> values, String what) {
    Set<String> seen = new HashSet<>();
    for (String value : values) {
      if (!seen.add(value)) {
        throw new IllegalArgumentException("duplicate " + what + " '" + value + "'");
      }
    }
  }
}
