import { describe, expect, test } from "vitest";
import { loadContracts } from "../../generator/index.js";
import type { EventModel } from "../../generator/model.js";
import { editFile, shopWorkspace } from "../helpers/spec-workspace.js";

describe("the events of a load, told before the rules check them", () => {
  test("onEvents hears the events as read once, also when a rule then fails the load", async () => {
    using ws = shopWorkspace();
    editFile(ws, "specs/shop.yaml", (text) => text.replace("x-evc: { version: 1 }", "x-evc: { version: 1, upcast: nonsense }"));
    const told: (readonly EventModel[])[] = [];
    await expect(loadContracts({ specs: "specs", cwd: ws.dir, allowRemoteRefs: false, onEvents: (events) => told.push(events) })).rejects.toThrow(/x-evc/);
    expect(told.map((events) => events.map((event) => event.className))).toEqual([["OrderPlacedV1", "OrderPlacedV2", "OrderPlacedV3"]]);
  });

  test("the model's events are those told, in order, a verdict aside", async () => {
    using ws = shopWorkspace();
    const told: (readonly EventModel[])[] = [];
    const { model } = await loadContracts({ specs: "specs", cwd: ws.dir, allowRemoteRefs: false, onEvents: (events) => told.push(events) });
    expect(told).toHaveLength(1);
    expect(told[0]?.map(({ readableByPrevious: _, ...event }) => event)).toEqual(model.events.map(({ readableByPrevious: _, ...event }) => event));
  });
});
