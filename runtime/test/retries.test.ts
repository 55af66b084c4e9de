import { JetStreamApiError } from "@nats-io/jetstream";
import { describe, expect, test } from "vitest";
import { isWrongLastSequence } from "../jetstream-errors.js";
import { retryPause } from "../publish.js";

describe("runtime - retries and JetStream's error codes", () => {
  test("publish retries back off exponentially to 1 s with jitter: two publishers drawing differently never pause alike", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => retryPause(attempt, 1))).toEqual([50, 100, 200, 400, 800, 1_000, 1_000]);
    expect([1, 2, 5, 7].map((attempt) => retryPause(attempt, 0))).toEqual([25, 50, 400, 500]);
    expect(retryPause(3, 0.1)).not.toBe(retryPause(3, 0.9));
  });

  test("10071 and 10164 (newer servers' concurrent expected-sequence answer) are both a moved subject, hence ConcurrencyError in the store", () => {
    const error = (code: number) => new JetStreamApiError({ code: 400, err_code: code, description: "wrong last sequence" });
    expect(isWrongLastSequence(error(10071))).toBe(true);
    expect(isWrongLastSequence(error(10164))).toBe(true);
    expect(isWrongLastSequence(error(10059))).toBe(false);
  });
});
