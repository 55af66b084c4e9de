/** `copyOwn` and `withOwn`, with which upcasts and downcasts copy the objects they change: the same own properties as a spread, a `__proto__` key kept as data. */
import { describe, expect, test } from "vitest";
import { copyOwn, withOwn } from "../json.js";
import { stepsUpcaster } from "../upcast-steps.js";

describe("copyOwn", () => {
  test("copies own enumerable properties in order, shallowly, and leaves the source alone", () => {
    const nested = { deep: true };
    const source = JSON.parse('{"b":1,"a":"x","nested":{}}') as Record<string, unknown>;
    source["nested"] = nested;
    const copy = copyOwn(source);
    expect(copy).not.toBe(source);
    expect(Object.keys(copy)).toEqual(["b", "a", "nested"]);
    expect(copy["nested"]).toBe(nested);
    expect(copy).toEqual({ ...source });
  });

  test("a __proto__ key parsed from JSON stays an own property, never the copy's prototype", () => {
    const source = JSON.parse('{"__proto__":{"polluted":true},"id":"1"}') as Record<string, unknown>;
    const copy = copyOwn(source);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"id":"1"}');
  });

  test("withOwn sets one property on a copy, as a spread with that property would", () => {
    const source = { version: 1, id: "e-1" };
    expect(withOwn(source, "version", 2)).toEqual({ ...source, version: 2 });
    expect(source.version).toBe(1);
  });

  test("a steps upcast copies what it changes, keeps a __proto__ key as data, and shares the rest", () => {
    const previous = JSON.parse('{"id":"e-1","data":{"__proto__":{"x":1},"name":"n"},"metadata":{"userId":"u"}}') as Record<string, unknown>;
    const next = stepsUpcaster([{ op: "default", path: "/data/createdBy", value: "unknown" }])(previous as never) as Record<string, Record<string, unknown>>;
    expect(JSON.stringify(next)).toBe('{"id":"e-1","data":{"__proto__":{"x":1},"name":"n","createdBy":"unknown"},"metadata":{"userId":"u"}}');
    expect(Object.getPrototypeOf(next["data"])).toBe(Object.prototype);
    expect(next["metadata"]).toBe(previous["metadata"]);
    expect(JSON.stringify(previous)).toBe('{"id":"e-1","data":{"__proto__":{"x":1},"name":"n"},"metadata":{"userId":"u"}}');
  });
});
