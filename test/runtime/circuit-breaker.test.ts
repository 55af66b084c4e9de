import { describe, expect, test } from "vitest";
import { CircuitBreaker, type CircuitState } from "@evc/runtime";

function breaker(failureThreshold = 3, openMs = 1_000) {
  let now = 0;
  const changes: CircuitState[] = [];
  const circuit = new CircuitBreaker({ failureThreshold, openMs }, (state) => changes.push(state), () => now);
  return { circuit, changes, advance: (ms: number) => (now += ms) };
}

describe("circuit breaker", () => {
  test("stays closed below the threshold, and a success resets the count", () => {
    const { circuit, changes } = breaker(3);
    circuit.failure();
    circuit.failure();
    circuit.success();
    circuit.failure();
    circuit.failure();
    expect(circuit.state).toBe("closed");
    expect(circuit.admit()).toBe(0);
    expect(changes).toEqual([]);
  });

  test("opens at the threshold and says how long to wait", () => {
    const { circuit, changes, advance } = breaker(2, 1_000);
    circuit.failure();
    circuit.failure();
    expect(circuit.state).toBe("open");
    expect(circuit.admit()).toBe(1_000);
    advance(400);
    expect(circuit.admit()).toBe(600);
    expect(changes).toEqual(["open"]);
  });

  test("one thrown error counts once, however many events failed with it (a batch); distinct errors each count", () => {
    const { circuit, changes } = breaker(2);
    const batchFailure = new Error("the bulk insert failed");
    for (let event = 0; event < 10; event++) circuit.failure(batchFailure);
    expect(circuit.state).toBe("closed");
    circuit.failure(new Error("again"));
    expect(circuit.state).toBe("open");
    expect(changes).toEqual(["open"]);
  });

  test("after the open time one trial runs; others wait while it runs; success closes", () => {
    const { circuit, changes, advance } = breaker(1, 500);
    circuit.failure();
    advance(500);
    expect(circuit.admit()).toBe(0);
    expect(circuit.state).toBe("half_open");
    expect(circuit.admit()).toBeGreaterThan(0);
    circuit.success();
    expect(circuit.state).toBe("closed");
    expect(circuit.admit()).toBe(0);
    expect(changes).toEqual(["open", "half_open", "closed"]);
  });

  test("a failed trial opens the circuit again for the whole open time", () => {
    const { circuit, changes, advance } = breaker(1, 500);
    circuit.failure();
    advance(600);
    expect(circuit.admit()).toBe(0);
    circuit.failure();
    expect(circuit.state).toBe("open");
    expect(circuit.admit()).toBe(500);
    expect(changes).toEqual(["open", "half_open", "open"]);
  });
});
