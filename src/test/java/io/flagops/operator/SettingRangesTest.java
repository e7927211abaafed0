package io.flagops.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Switches are judged as the config library reads them: it trims only up to the space, so a value
 * followed by another kind of space (an em space pasted from a document) is a word it does not
 * know, which it reads as false. (A test through the packaged jar cannot pass such a character: the
 * test JVM's encoding of the environment may turn it into '?'.)
 */
class SettingRangesTest {
  private static final String ELECTION = "flagrelease.leader-election.enabled";

  @AfterEach
  void clear() {
    System.clearProperty(ELECTION);
  }

  @Test
  void aSwitchIsTrimmedAsTheConfigLibraryTrimsIt() {
    System.setProperty(ELECTION, " yes ");
    assertThat(SettingRanges.problem()).isNull();
    assertThat(SettingRanges.isTrue(" yes ")).isTrue();

    System.setProperty(ELECTION, "true\u2003");
    assertThat(SettingRanges.problem())
        .isEqualTo("FLAGRELEASE_LEADER_ELECTION_ENABLED must be true or false.");
    assertThat(SettingRanges.isTrue("true\u2003")).isFalse();
  }
}
