package io.flagops.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The admin's grants for the default token and the namespaces where token Secrets are read. */
class AccessSettingsTest {

  @Test
  void grantsNamespacesProjectsAndWildcards() {
    DefaultTokenGrants grants = DefaultTokenGrants.parse("team-a=shop,checkout; team-b=*;*=demo");

    assertThat(grants.allows("team-a", "shop")).isTrue();
    assertThat(grants.allows("team-a", "checkout")).isTrue();
    assertThat(grants.allows("team-a", "payments")).isFalse();
    assertThat(grants.allows("team-b", "payments")).isTrue();
    assertThat(grants.allows("anyone", "demo")).isTrue();
    assertThat(grants.allows("anyone", "shop")).isFalse();
    assertThat(grants.projectsFor("team-a")).containsExactly("shop", "checkout", "demo");
    assertThat(grants.projectsFor("team-b")).containsExactly("*");
    assertThat(grants.projectsFor("nobody-else")).containsExactly("demo");
  }

  @Test
  void emptyGrantsNothing() {
    assertThat(DefaultTokenGrants.parse("").grantsNothing()).isTrue();
    assertThat(DefaultTokenGrants.parse(null).allows("default", "shop")).isFalse();
    assertThat(DefaultTokenGrants.parse("*=*").allows("any-namespace", "any-project")).isTrue();
  }

  @Test
  void aGrantThatCannotBeReadIsNamed() {
    assertThatThrownBy(() -> DefaultTokenGrants.parse("team-a=shop;team-b"))
        .hasMessage(
            "FLAGRELEASE_DEFAULT_TOKEN_GRANTS: the grant 'team-b' has no '='; write"
                + " NAMESPACE=PROJECT[,PROJECT...] (entries are separated by ;)");
    assertThatThrownBy(() -> DefaultTokenGrants.parse("Team_A=shop"))
        .hasMessageContaining("'Team_A' is not a namespace name or *");
    assertThatThrownBy(() -> DefaultTokenGrants.parse("team-a=shop,"))
        .hasMessageContaining("'' is not a LaunchDarkly project key or *");
  }

  @Test
  void tokenSecretNamespaces() {
    assertThat(TokenSecretScope.parse("").isEmpty()).isTrue();
    assertThat(TokenSecretScope.parse("*").allows("whatever")).isTrue();
    TokenSecretScope listed = TokenSecretScope.parse("team-a, team-b");
    assertThat(listed.allows("team-b")).isTrue();
    assertThat(listed.allows("team-c")).isFalse();
    assertThatThrownBy(() -> TokenSecretScope.parse("team-a,Team B"))
        .hasMessageContaining("'Team B' is not a namespace name");
  }
}
