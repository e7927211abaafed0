package io.flagops.operator.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One sandbox per directory: a second one would overwrite the kubeconfig that kubectl uses for the
 * first. An OS file lock, so that the lock goes with the process however it ends (a crash or kill
 * -9 leaves no stale lock); the file holds the pid of the holder, to name it.
 */
final class SandboxLock {
  static final String FILE = "lock";

  /** Open for the life of the process: closing the channel, or losing it to GC, unlocks. */
  private static FileChannel held;

  private SandboxLock() {}

  /** Takes the lock of workDir; returns null, or why it cannot (naming the pid that holds it). */
  static synchronized String acquire(Path workDir) {
    Path file = workDir.resolve(FILE);
    try {
      Files.createDirectories(workDir);
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        String pid = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        return alreadyRunning(file, pid);
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
      held = channel;
      return null;
    } catch (IOException e) {
      return "cannot lock " + file + " to start the sandbox: " + e.getMessage();
    }
  }

  private static String alreadyRunning(Path file, String pid) {
    if (!pid.matches("\\d+")) {
      // the holder is between taking the lock and writing its pid
      return "a sandbox is already running in this directory (it holds "
          + file
          + "): stop it with Ctrl-C in its terminal, or start this one from another directory.";
    }
    return "a sandbox is already running in this directory (pid "
        + pid
        + " holds "
        + file
        + "): stop it with Ctrl-C in its terminal or `kill "
        + pid
        + "`, or start this one from another directory.";
  }
}
