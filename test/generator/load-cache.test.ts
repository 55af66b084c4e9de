import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { generate, loadContracts, LoadCache, ModelRenderCache, SpecParser } from "../../generator/index.js";
import { folderFiles } from "../helpers/folder-files.js";
import { editFile, shopWorkspace, type SpecWorkspace } from "../helpers/spec-workspace.js";

/** Load the shop workspace's specs with a cache kept across loads. */
const load = (ws: SpecWorkspace, cache: LoadCache) => loadContracts({ specs: "specs", cwd: ws.dir, allowRemoteRefs: false, cache });

const infoEdit = (text: string) => text.replace("description: A small shop, for generator tests.", "description: A shop, for generator tests.");
const schemaEdit = (text: string) => text.replace("amount: { type: number, minimum: 0, description: Total in cents. }", "amount: { type: number, minimum: 1, description: Total in cents. }");

describe("spec files and the schema compiler kept across loads (watch mode)", () => {
  test("a file whose text is the same is taken as it was read; a changed one is read again", async () => {
    using ws = shopWorkspace();
    const cache = new LoadCache();
    await load(ws, cache);
    const before = cache.files();
    editFile(ws, "specs/shop.yaml", infoEdit);
    await load(ws, cache);
    const after = cache.files();
    const [shop, envelope] = [join(ws.dir, "specs/shop.yaml"), join(ws.dir, "specs/envelope.yaml")];
    expect([...after.keys()].sort()).toEqual([envelope, shop]);
    expect(after.get(envelope)).toBe(before.get(envelope));
    expect(after.get(shop)).not.toBe(before.get(shop));
    expect(after.get(shop)?.text).toContain("description: A shop, for generator tests.");
  });

  test("an edit that changes no schema compiles nothing again; one that changes a schema compiles that one again", async () => {
    using ws = shopWorkspace();
    const cache = new LoadCache();
    const first = await load(ws, cache);
    const validate = first.compiler.compile(first.model.events[0]!);
    editFile(ws, "specs/shop.yaml", infoEdit);
    const second = await load(ws, cache);
    expect(second.compiler).toBe(first.compiler);
    expect(second.compiler.compile(second.model.events[0]!)).toBe(validate);
    const unchanged = second.compiler.compile(second.model.events[1]!);
    editFile(ws, "specs/shop.yaml", schemaEdit);
    const third = await load(ws, cache);
    expect(third.compiler).toBe(first.compiler);
    expect(third.compiler.compile(third.model.events[1]!)).toBe(unchanged);
    expect(third.compiler.compile(third.model.events[0]!)).not.toBe(validate);
    expect(third.compiler.compile(third.model.events[0]!)({ data: { orderId: "o-1", amount: 0 } })).toBe(false);
  });

  test("a load that fails keeps the files it read, and the next load compiles what changed since", async () => {
    using ws = shopWorkspace();
    const cache = new LoadCache();
    const first = await load(ws, cache);
    const good = ws.read("specs/shop.yaml");
    // A changed schema and a broken upcast step: the load fails after compiling the new schemas.
    editFile(ws, "specs/shop.yaml", (text) => schemaEdit(text).replace("x-evc: { version: 1 }", "x-evc: { version: 1, upcast: nonsense }"));
    await expect(load(ws, cache)).rejects.toThrow(/x-evc/);
    expect(cache.files().get(join(ws.dir, "specs/shop.yaml"))?.text).toContain("upcast: nonsense");
    ws.write("specs/shop.yaml", good);
    expect((await load(ws, cache)).compiler).toBe(first.compiler);
  });

  test("runs that keep files, compiler and models write the same SDK as runs in full, edit after edit", async () => {
    using ws = shopWorkspace();
    const kept = { parser: new SpecParser(), renders: new ModelRenderCache(), loads: new LoadCache() };
    const [shop, envelope] = [ws.read("specs/shop.yaml"), ws.read("specs/envelope.yaml")];
    const edits: [string, (text: string) => string][] = [
      ["specs/shop.yaml", infoEdit],
      ["specs/shop.yaml", schemaEdit],
      ["specs/shop.yaml", (text) => text.replace("orderId: { type: string, description: The order. }", "orderId: { type: string, pattern: '^o-', description: The order. }")],
      ["specs/envelope.yaml", (text) => text.replace("userId: { type: string, description: The user who caused the event. }", "userId: { type: string, minLength: 1 }")],
      ["specs/shop.yaml", (text) => text.replace("description: A shop, for generator tests.", "description: The shop.")],
      ["specs/shop.yaml", () => shop],
      ["specs/envelope.yaml", () => envelope],
    ];
    await generate({ specs: "specs", cwd: ws.dir, out: "kept", ...kept });
    for (const [index, [file, edit]] of edits.entries()) {
      editFile(ws, file, edit);
      await generate({ specs: "specs", cwd: ws.dir, out: "kept", ...kept });
      await generate({ specs: "specs", cwd: ws.dir, out: `full-${index}` });
      const full = folderFiles(join(ws.dir, `full-${index}`));
      expect(Object.keys(full).length).toBeGreaterThan(5);
      expect(folderFiles(join(ws.dir, "kept"))).toEqual(full);
    }
    expect(Object.keys(folderFiles(join(ws.dir, "full-2"))).some((file) => /validators/.test(file))).toBe(true);
    expect(folderFiles(join(ws.dir, "full-2"))["shop/order-placed.v1.ts"]).toContain('"amount": { "type": "number", "minimum": 1,');
    expect(folderFiles(join(ws.dir, "full-3"))["validators.ts"]).toMatch(/^const pattern0 = new RegExp\("\^o-", "u"\);$/m);
  });
});
