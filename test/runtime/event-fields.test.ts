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
  test("extra keys named as a member of the event's class (toJSON, constructor) stay off the instance and in its JSON: toJSON() stays the method, and JSON -> event -> JSON gives the same JSON", async () => {
    using ws = specWorkspace({
      "specs/open.yaml": componentSpec(
        "Open",
        { "thing.done": "Thing", "shut.done": "Shut" },
        {
          Thing: { type: "object", required: ["id"], properties: { id: { type: "string" } }, additionalProperties: true },
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
    // Without such keys the JSON is the instance's own fields, as before.
    const plain = ThingDoneV1.fromJSON({ id: "t-2", other: 2 });
    expect(Object.keys(plain)).toEqual(["id", "other"]);
    expect(plain.toJSON()).toEqual({ id: "t-2", other: 2 });
    // A payload closed to extra keys keeps its class as it was: its JSON is its own fields.
    expect(ws.read("generated/open/shut-done.v1.ts")).toContain("return { ...this } as ShutDoneV1Json;");
  });
});
