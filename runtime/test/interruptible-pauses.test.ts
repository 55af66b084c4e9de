import { afterEach, describe, expect, test, vi } from "vitest";
import { InterruptiblePauses } from "../interruptible-pauses.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("runtime - pauses of retries in place", () => {
  test("a pause that ran its course is 0, even when its timer fires before the wall clock reaches its end", async () => {
    vi.useFakeTimers();
    const pauses = new InterruptiblePauses();
    const started = Date.now();
    const waiting = pauses.wait(400);
    // The wall clock lags the timer by a millisecond when it fires (as it may under load).
    vi.spyOn(Date, "now").mockReturnValue(started + 399);
    await vi.advanceTimersByTimeAsync(400);
    expect(await waiting).toBe(0);
  });

  test("an interrupted pause resolves at once with the milliseconds it had left", async () => {
    vi.useFakeTimers();
    const pauses = new InterruptiblePauses();
    const waiting = pauses.wait(1_000);
    await vi.advanceTimersByTimeAsync(300);
    pauses.interrupt();
    expect(await waiting).toBe(700);
  });
});
