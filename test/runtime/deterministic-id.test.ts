import { describe, expect, test } from "vitest";
import { deterministicId, legacyDeterministicId } from "@evc/runtime/saga";

describe("runtime - deterministic ids", () => {
  test("are UUID version 8 (SHA-256 name-based), RFC 9562 variant, the same for the same parts and different otherwise", () => {
    const id = deterministicId("saga", "instance-1", "step", "run", "event");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicId("saga", "instance-1", "step", "run", "event")).toBe(id);
    expect(deterministicId("saga", "instance-1", "step", "run", "other")).not.toBe(id);
    expect(deterministicId("ab", "c")).not.toBe(deterministicId("a", "bc"));
  });

  test("saga instances started before keep their version-5-labelled ids: the same hash, only the version nibble differs", () => {
    const legacy = legacyDeterministicId("saga", "instance-1", "step", "run", "event");
    expect(legacy).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/);
    expect(legacy.replace(/^(.{14})5/, "$18")).toBe(deterministicId("saga", "instance-1", "step", "run", "event"));
  });
});
