package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** A key of a Secret in the FlagRelease's own namespace. */
public class SecretKeyReference extends SpecObject {
  public static final String DEFAULT_KEY = "token";

  @Required
  @JsonPropertyDescription("Name of a Secret in the same namespace as the FlagRelease.")
  private String name;

  @Default(DEFAULT_KEY)
  @JsonPropertyDescription("Key in the Secret's data that holds the LaunchDarkly access token.")
  private String key = DEFAULT_KEY;

  public SecretKeyReference() {}

  public SecretKeyReference(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretKeyReference other
        && Objects.equals(name, other.name)
        && Objects.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, key);
  }
}
