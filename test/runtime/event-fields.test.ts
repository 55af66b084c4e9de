import { describe, expect, test } from "vitest";
import { eventJson } from "../../runtime/event-json.js";
import { componentSpec } from "../helpers/component-spec.js";
import { specWorkspace } from "../helpers/spec-workspace.js";

interface Event {
  toJSON(): Record<string, unknown>;
}

interface EventClass {
  readonly prototype: Event;
  new (input: object): Event;
  fromJSON(json: unknown): Event;
}

describe("runtime - event fields", () => {
  test("extra keys named as what the instance inherits (toJSON, constructor, toString, valueOf…) stay off the instance and in its JSON: toJSON() stays the method, and JSON -> event -> JSON gives the same JSON", async () => {
    using ws = specWorkspace({
      "specs/open.yaml": componentSpec(
        "Open",
        { "thing.done": "Thing", "shut.done": "Shut", "toned.done": "Toned" },
        {
          Thing: { type: "object", required: ["id"], properties: { id: { type: "string" } }, additionalProperties: true },
          Toned: { type: "object", required: ["id"], properties: { id: { type: "string" }, toString: { type: "string" } } },
          Shut: { type: "object", properties: { id: { type: "string" } }, additionalProperties: false },
        },
      ),
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const { ThingDoneV1 } = await ws.load<{ ThingDoneV1: EventClass }>("generated/open/thing-done.v1.ts");
    const json = { id: "t-1", toJSON: "extra", constructor: { nested: true }, other: 1 };
    for (const event of [ThingDoneV1.fromJSON(json), ThingDoneV1.fromJSON(JSON.stringify(json)), new ThingDoneV1(json)]) {
      expect(Object.hasOwn(event, "toJSON")).toBe(false);
      expect(Object.hasOwn(event, "constructor")).toBe(false);
      expect(event.toJSON).toBe(ThingDoneV1.prototype.toJSON);
      expect(event.constructor).toBe(ThingDoneV1);
      expect(JSON.stringify(event.toJSON())).toBe(JSON.stringify(json));
      expect(JSON.stringify(eventJson(event))).toBe(JSON.stringify(json));
      expect(JSON.stringify(event)).toBe(JSON.stringify(json));
      expect(JSON.stringify(ThingDoneV1.fromJSON(JSON.stringify(event)))).toBe(JSON.stringify(json));
      expect((event as unknown as Record<string, unknown>)["other"]).toBe(1);
    }
    // Extra keys named as what every object inherits stay off too: a producer's `toString: 1` must not make String(event) throw.
    const inherited = { id: "t-3", toString: 1, valueOf: "v", hasOwnProperty: false, isPrototypeOf: null, toLocaleString: [] };
    const event = ThingDoneV1.fromJSON(inherited);
    for (const key of Object.keys(inherited).filter((key) => key !== "id")) expect(Object.hasOwn(event, key)).toBe(false);
    expect(String(event)).toBe("[object Object]");
    expect(`${event as unknown as string}`).toBe("[object Object]");
    expect(Object.prototype.hasOwnProperty.call(event, "id") && (event as unknown as { hasOwnProperty(key: string): boolean }).hasOwnProperty("id")).toBe(true);
    expect(JSON.stringify(event)).toBe(JSON.stringify(inherited));
    // A schema that declares such a name as a field keeps it a field.
    expect(ws.read("generated/open/toned-done.v1.ts")).toContain('["__defineGetter__","__defineSetter__","__lookupGetter__","__lookupSetter__","constructor","hasOwnProperty","isPrototypeOf","propertyIsEnumerable","toJSON","toLocaleString","valueOf"]');
    const { TonedDoneV1 } = await ws.load<{ TonedDoneV1: EventClass }>("generated/open/toned-done.v1.ts");
    const toned = TonedDoneV1.fromJSON({ id: "t-4", toString: "declared", valueOf: 2 });
    expect((toned as unknown as Record<string, unknown>)["toString"]).toBe("declared");
    expect(Object.hasOwn(toned, "valueOf")).toBe(false);
    // Without such keys the JSON is the instance's own fields, as before.
    const plain = ThingDoneV1.fromJSON({ id: "t-2", other: 2 });
    expect(Object.keys(plain)).toEqual(["id", "other"]);
    expect(plain.toJSON()).toEqual({ id: "t-2", other: 2 });
    // A payload closed to extra keys keeps its class as it was: its JSON is its own fields.
    expect(ws.read("generated/open/shut-done.v1.ts")).toContain("return { ...this } as ShutDoneV1Json;");
  });
});
