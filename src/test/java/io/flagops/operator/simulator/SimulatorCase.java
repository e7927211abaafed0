package io.flagops.operator.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test against a fresh simulator per test, on a clock the test moves. */
abstract class SimulatorCase {
  protected TestClock clock;
  protected LaunchDarklySimulator simulator;
  protected SimHttp http;

  @BeforeEach
  void startSimulator() {
    clock = new TestClock();
    simulator = LaunchDarklySimulator.start(0, SimHttp.testSeed(), clock);
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stopSimulator() {
    simulator.close();
  }
}
