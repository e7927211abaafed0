package io.flagops.operator;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where Quarkus will serve HTTP ({@code /q/metrics}, {@code /q/health}), read as Quarkus reads it,
 * so that a taken port can be reported (or avoided, in the sandbox) before Quarkus fails on it.
 */
public record HttpPort(String host, int number) {
  public static final String ENVIRONMENT = "QUARKUS_HTTP_PORT";
  public static final String PROPERTY = "quarkus.http.port";
  private static final int DEFAULT_PORT = 8080;
  private static final String DEFAULT_HOST = "0.0.0.0";
  private static final int BELOW_EPHEMERAL = 20_000;

  /**
   * The configured port.
   *
   * @throws IllegalArgumentException naming the setting, when it is not a port number
   */
  public static HttpPort configured() {
    String host = Settings.value("quarkus.http.host", "QUARKUS_HTTP_HOST");
    String port = Settings.value(PROPERTY, ENVIRONMENT);
    int number;
    try {
      number = port == null || port.isBlank() ? DEFAULT_PORT : Integer.parseInt(port.strip());
    } catch (NumberFormatException e) {
      number = -1;
    }
    if (number < 0 || number > 65_535) {
      throw new IllegalArgumentException(
          ENVIRONMENT + " is '" + port + "', not a port number: set it to a free port");
    }
    return new HttpPort(host == null || host.isBlank() ? DEFAULT_HOST : host.strip(), number);
  }

  /**
   * Whether nothing listens there now. Binds as Vert.x does (address reuse on), so a port that is
   * only in TIME_WAIT counts as free. Port 0 is always free: Quarkus picks one.
   */
  public boolean isFree() {
    if (number == 0) {
      return true;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, number));
      return true;
    } catch (BindException e) {
      return false;
    } catch (IOException e) {
      return true; // not a taken port (e.g. an unknown host): Quarkus reports it itself
    }
  }

  /**
   * A port on the same host that is free right now, from below the range the kernel hands out to
   * {@code bind(0)} and to outgoing connections (32768 and up on Linux): a port from that range can
   * be taken by another socket between this check and Quarkus' bind.
   */
  public HttpPort anyFree() {
    for (int tries = 0; tries < 100; tries++) {
      HttpPort candidate =
          new HttpPort(host, BELOW_EPHEMERAL + ThreadLocalRandom.current().nextInt(12_000));
      if (candidate.isFree()) {
        return candidate;
      }
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, 0));
      return new HttpPort(host, socket.getLocalPort());
    } catch (IOException e) {
      throw new IllegalStateException("found no free port on " + host + ": " + e.getMessage(), e);
    }
  }
}
