import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { generate, loadContracts, ModelRenderCache, SpecParser } from "../../generator/index.js";
import { renderModels } from "../../generator/emit/models.js";
import { folderFiles } from "../helpers/folder-files.js";
import { editFile, shopWorkspace } from "../helpers/spec-workspace.js";

describe("Modelina's models kept across runs (watch mode)", () => {
  test("an unchanged event is not rendered again; a changed one is, with the change", async () => {
    using ws = shopWorkspace();
    const cache = new ModelRenderCache();
    const first = await renderModels((await loadContracts({ specs: "specs", cwd: ws.dir, allowRemoteRefs: false })).model.events, cache);
    editFile(ws, "specs/shop.yaml", (text) => text.replace("description: Total in cents.", "description: Total in euro cents."));
    const second = await renderModels((await loadContracts({ specs: "specs", cwd: ws.dir, allowRemoteRefs: false })).model.events, cache);
    const byClass = (rendered: typeof first) => new Map(rendered.map((entry) => [entry.event.className, entry]));
    const [before, after] = [byClass(first), byClass(second)];
    expect([...after.keys()]).toEqual(["OrderPlacedV1", "OrderPlacedV2", "OrderPlacedV3"]);
    const changed = [...after].filter(([name, entry]) => entry.models !== before.get(name)?.models).map(([name]) => name);
    expect(changed).toEqual(["OrderPlacedV1"]);
    expect(JSON.stringify(after.get("OrderPlacedV1")?.models)).toContain("Total in euro cents.");
    expect(after.get("OrderPlacedV2")?.event).not.toBe(before.get("OrderPlacedV2")?.event);
  });

  test("a run that reuses models writes the same SDK as a run in full", async () => {
    using ws = shopWorkspace();
    const kept = { parser: new SpecParser(), renders: new ModelRenderCache() };
    await generate({ specs: "specs", cwd: ws.dir, out: "kept", ...kept });
    editFile(ws, "specs/shop.yaml", (text) => text.replace("description: The order's state.", "description: Where the order is."));
    await generate({ specs: "specs", cwd: ws.dir, out: "kept", ...kept });
    await generate({ specs: "specs", cwd: ws.dir, out: "full" });
    const [reused, full] = [folderFiles(join(ws.dir, "kept")), folderFiles(join(ws.dir, "full"))];
    expect(Object.keys(full).length).toBeGreaterThan(5);
    expect(JSON.stringify(full)).toContain("Where the order is.");
    expect(reused).toEqual(full);
  });
});
