import { describe, expect, test } from "vitest";
import { decideFailure, PermanentFailure, TransientFailure, type StreamSpec } from "@evc/runtime";
import { registry } from "@evc/seeds";

const integr8scode = registry.stream("INTEGR8SCODE") as StreamSpec;
const limits = { maxDeliver: 4, backoffMs: [100, 200] };

describe("runtime - failure decisions", () => {
  test("a plain error without a category follows the consumer's limits", () => {
    expect(decideFailure(integr8scode, "user_login", new Error("x"), 1, limits)).toEqual({ action: "retry", delayMs: 100, category: undefined });
    expect(decideFailure(integr8scode, "user_login", new Error("x"), 3, limits)).toEqual({ action: "retry", delayMs: 200, category: undefined });
    expect(decideFailure(integr8scode, "user_login", new Error("x"), 4, limits)).toEqual({ action: "dead_letter", retried: true, category: undefined });
  });

  test("an event type's category sets the retries (seed 004's pod category: 3 deliveries, 5s then 30s)", () => {
    expect(decideFailure(integr8scode, "pod_running", new Error("x"), 1, limits)).toEqual({ action: "retry", delayMs: 5_000, category: "pod" });
    expect(decideFailure(integr8scode, "pod_running", new Error("x"), 2, limits)).toEqual({ action: "retry", delayMs: 30_000, category: "pod" });
    expect(decideFailure(integr8scode, "pod_running", new Error("x"), 3, limits)).toEqual({ action: "dead_letter", retried: true, category: "pod" });
  });

  test("the error's category wins over the event type's; a permanent failure is never retried, but a discarding category discards it", () => {
    expect(decideFailure(integr8scode, "pod_running", new TransientFailure("x", { category: "dependency-unavailable" }), 4, limits)).toEqual({ action: "retry", delayMs: 120_000, category: "dependency-unavailable" });
    expect(decideFailure(integr8scode, "pod_running", new PermanentFailure("x"), 1, limits)).toEqual({ action: "dead_letter", retried: false, category: "pod" });
    expect(decideFailure(integr8scode, "pod_running", new PermanentFailure("x", { category: "notification-signal" }), 1, limits)).toEqual({ action: "discard", category: "notification-signal" });
  });
});
