import { describe, expect, test } from "vitest";
import { eventJson } from "../../runtime/event-json.js";

describe("runtime - event JSON", () => {
  test("an event's JSON is what its toJSON method returns, or the event itself where a toJSON field of its payload hides the method, as JSON.stringify takes it", () => {
    class Event {
      constructor(fields: object) {
        Object.assign(this, fields);
      }
      toJSON(): object {
        return { ...this, viaMethod: true };
      }
    }
    expect(eventJson(new Event({ id: "a" }))).toEqual({ id: "a", viaMethod: true });
    const hidden = new Event({ id: "b", toJSON: "data" });
    expect(eventJson(hidden)).toBe(hidden);
    expect(JSON.parse(JSON.stringify(hidden))).toEqual({ id: "b", toJSON: "data" });
  });
});
