package io.flagops.operator.reconciler.support;

import io.flagops.operator.config.LaunchDarklyConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The operator's default LaunchDarkly token: {@code LAUNCHDARKLY_ACCESS_TOKEN}, or the file named
 * by {@code LAUNCHDARKLY_ACCESS_TOKEN_FILE} (a mounted Secret, which Kubernetes updates in place
 * when the Secret is rotated). The file is watched; when its token changes, the FlagReleases that
 * use the default token reconcile at once.
 */
@ApplicationScoped
public class DefaultToken {
  private static final Logger LOG = Logger.getLogger(DefaultToken.class);
  private static final long CHECK_EVERY_SECONDS = 2;

  private final Optional<String> fromConfig;
  private final Optional<Path> file;
  private final FlagReleaseWatches watches;
  private ScheduledExecutorService watcher;
  private volatile String fromFile;
  private volatile FileTime readAt;

  public DefaultToken(LaunchDarklyConfig config, FlagReleaseWatches watches) {
    this.fromConfig = config.accessToken().filter(t -> !t.isBlank());
    this.file = config.accessTokenFile();
    this.watches = watches;
    file.ifPresent(
        path -> {
          reload();
          watcher =
              Executors.newSingleThreadScheduledExecutor(
                  r -> {
                    Thread thread = new Thread(r, "default-token-watcher");
                    thread.setDaemon(true);
                    return thread;
                  });
          watcher.scheduleWithFixedDelay(
              this::checkForRotation, CHECK_EVERY_SECONDS, CHECK_EVERY_SECONDS, TimeUnit.SECONDS);
        });
  }

  /** The token, when one is configured; the value is raw and never logged. */
  public Optional<String> value() {
    return file.isPresent() ? Optional.ofNullable(fromFile) : fromConfig;
  }

  /** Where a token version says the token came from: its file or its variable. */
  public String origin() {
    return file.isPresent() ? "file" : "env";
  }

  /**
   * Where the token comes from, for messages: the setting, never its value, which is the token
   * itself when an admin put the token where its file's path belongs.
   */
  public String source() {
    return file.isPresent()
        ? "the file named by LAUNCHDARKLY_ACCESS_TOKEN_FILE"
        : "LAUNCHDARKLY_ACCESS_TOKEN";
  }

  @PreDestroy
  void stop() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }

  private void checkForRotation() {
    String before = fromFile;
    if (reload() && !Objects.equals(before, fromFile)) {
      LOG.infof(
          "The default LaunchDarkly token in %s changed; reconciling the FlagReleases that use it",
          source());
      watches.wakeUp(watches.usingTheDefaultToken());
    }
  }

  /** Reads the file again if it changed; true when it did. */
  private synchronized boolean reload() {
    Path path = file.orElseThrow();
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      if (modified.equals(readAt)) {
        return false;
      }
      String text = Files.readString(path, StandardCharsets.UTF_8).strip();
      fromFile = text.isEmpty() ? null : text;
      readAt = modified;
      return true;
    } catch (IOException e) {
      if (fromFile != null || readAt != null) {
        LOG.warnf("Cannot read %s: %s", source(), e.getClass().getSimpleName());
      }
      fromFile = null;
      readAt = null;
      return false;
    }
  }
}
