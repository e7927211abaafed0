package io.flagops.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.RepeatedTest;

class HttpPortTest {

  /** Below Linux's ephemeral range, so no other socket is handed it before Quarkus binds it. */
  @RepeatedTest(5)
  void anotherFreePortIsOneTheKernelDoesNotHandOut() throws IOException {
    HttpPort chosen = new HttpPort("0.0.0.0", 8080).anyFree();

    assertThat(chosen.number()).isBetween(20_000, 32_767);
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(chosen.host(), chosen.number()));
    }
  }
}
