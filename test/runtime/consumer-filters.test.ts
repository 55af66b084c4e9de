import { describe, expect, test } from "vitest";
import { parseServerVersion } from "@evc/runtime";
import { oneConsumerTakes } from "../../runtime/server-features.js";

const v29 = parseServerVersion("2.9.10");
const v210 = parseServerVersion("2.10.0");

describe("runtime - subject filters one consumer takes", () => {
  test("one filter, on any server", () => {
    expect(oneConsumerTakes(v29, ["a.b.*"])).toBe(true);
    expect(oneConsumerTakes(v29, [])).toBe(true);
  });

  test("several only from nats-server 2.10 on", () => {
    expect(oneConsumerTakes(v29, ["a.b.*", "a.c.*"])).toBe(false);
    expect(oneConsumerTakes(v210, ["a.b.*", "a.c.*"])).toBe(true);
  });

  test("not several that overlap, which the server refuses for one consumer", () => {
    expect(oneConsumerTakes(v210, ["a.*.c", "a.b.*"])).toBe(false);
    expect(oneConsumerTakes(v210, ["x.y", "a.>", "a.b.c"])).toBe(false);
    expect(oneConsumerTakes(v210, ["a.*.c", "a.b.d", "a.b"])).toBe(true);
  });
});
