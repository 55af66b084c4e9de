import { Ajv } from "ajv";
import { describe, expect, test } from "vitest";
import { createRegistry, defineContract, stepsUpcaster, type EventContract, type JsonObject, type Upcaster } from "@evc/runtime/codegen";
import { isContractError } from "@evc/runtime";

const ajv = new Ajv({ allErrors: true, ownProperties: true });

function contract(version: number, schema: Record<string, unknown>, upcast?: Upcaster): EventContract<JsonObject> {
  return defineContract({
    type: "thing.happened",
    version,
    className: `ThingHappenedV${version}`,
    system: "test",
    specFile: "test.yaml",
    schema,
    validate: ajv.compile(schema),
    subject: undefined,
    stream: undefined,
    envelope: true,
    aggregateType: undefined,
    compatibility: "BACKWARD",
    upcast,
    create: (json) => json,
  });
}

const v1 = contract(1, {
  type: "object",
  required: ["version", "data"],
  properties: { version: { const: 1 }, data: { type: "object", required: ["name"], properties: { name: { type: "string" } } } },
});
const v2 = contract(
  2,
  {
    type: "object",
    required: ["version", "data"],
    properties: {
      version: { const: 2 },
      data: { type: "object", required: ["name", "by"], properties: { name: { type: "string" }, by: { type: "string" } } },
    },
  },
  stepsUpcaster([{ op: "default", path: "/data/by", value: "unknown" }]),
);
const v3 = contract(
  3,
  {
    type: "object",
    required: ["version", "data"],
    properties: {
      version: { const: 3 },
      data: {
        type: "object",
        required: ["title", "author"],
        additionalProperties: false,
        properties: { title: { type: "string" }, author: { type: "object", properties: { id: { type: "string" } } } },
      },
    },
  },
  stepsUpcaster([
    { op: "rename", from: "/data/name", to: "/data/title" },
    { op: "move", from: "/data/by", to: "/data/author/id" },
  ]),
);

const registry = createRegistry({ contracts: [v3, v1, v2], topology: { streams: [], buckets: [] } });

describe("registry", () => {
  test("looks up versions by type, oldest first, and the latest", () => {
    expect(registry.versions("thing.happened").map((c) => c.version)).toEqual([1, 2, 3]);
    expect(registry.latest("thing.happened")?.version).toBe(3);
    expect(registry.get("thing.happened", 2)?.className).toBe("ThingHappenedV2");
    expect(registry.get("thing.happened", 4)).toBeUndefined();
    expect(registry.get("nope", 1)).toBeUndefined();
    expect(registry.types()).toEqual(["thing.happened"]);
  });

  test("upcasts v1 through v2 to v3 and sets the version at each step", () => {
    const event = { version: 1, data: { name: "x" } };
    const upcast = registry.upcast(event, "thing.happened", 1);
    expect(upcast).toEqual({ version: 3, data: { title: "x", author: { id: "unknown" } } });
    expect(event).toEqual({ version: 1, data: { name: "x" } });
  });

  test("upcasts to an intermediate version on request", () => {
    expect(registry.upcast({ version: 1, data: { name: "x" } }, "thing.happened", 1, 2)).toEqual({
      version: 2,
      data: { name: "x", by: "unknown" },
    });
  });

  test("rejects a result that the target version does not accept", () => {
    const bad = { version: 2, data: { name: "x", by: "y", extra: true } };
    expect(() => registry.upcast(bad, "thing.happened", 2)).toThrowError(
      /cannot upcast "thing.happened" v2 to v3: the result is not a valid v3: \/data must NOT have additional properties \("extra"\)/,
    );
  });

  test("refuses to downcast and names unknown versions", () => {
    expect(() => registry.upcast({}, "thing.happened", 3, 1)).toThrowError(/never downcast/);
    expect(() => registry.upcast({}, "thing.happened", 7)).toThrowError('unknown event "thing.happened" v7: v7 is newer than this SDK knows (v1..v3); it cannot be read without its schema: regenerate the SDK from specs that declare it');
    try {
      registry.upcast({}, "other", 1);
    } catch (error) {
      expect(isContractError(error)).toBe(true);
      return;
    }
    throw new Error("expected an error");
  });

  test("rejects a repeated version and a gap between versions", () => {
    expect(() => createRegistry({ contracts: [v1, v1], topology: { streams: [], buckets: [] } })).toThrowError(/is there twice/);
    expect(() => createRegistry({ contracts: [v1, v3], topology: { streams: [], buckets: [] } })).toThrowError(/v2 is missing/);
  });

  test("a step never reads a value from Object.prototype", () => {
    const upcast = stepsUpcaster([{ op: "move", from: "/constructor", to: "/data/c" }, { op: "default", path: "/toString", value: 1 }]);
    expect(upcast({ data: {} })).toEqual({ data: {}, toString: 1 });
  });

  test("steps copy only the objects they change and leave their input as it was", () => {
    const upcast = stepsUpcaster([
      { op: "move", from: "/data/a/x", to: "/data/b/y" },
      { op: "default", path: "/data/list", value: [1] },
      { op: "drop", path: "/gone" },
    ]);
    const untouched = { deep: [1, 2] };
    const input = { gone: true, data: { a: { x: 1, keep: 2 } }, other: untouched };
    const snapshot = structuredClone(input);
    const output = upcast(input);
    expect(output).toEqual({ data: { a: { keep: 2 }, b: { y: 1 }, list: [1] }, other: { deep: [1, 2] } });
    expect(input).toEqual(snapshot);
    expect(output["other"]).toBe(untouched);
    const again = upcast(input);
    (again["data"] as { list: number[] }).list.push(2);
    expect(upcast(input)).toEqual(output);
  });
});
