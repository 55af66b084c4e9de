import { cpSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { specWorkspace, type SpecWorkspace } from "../helpers/spec-workspace.js";
import { typecheck } from "../helpers/typecheck.js";

const upcaster = "upcasters/shop/order-placed.ts";
const body = "  return { ...event, version: 3, data: { orderId: event.data.orderId, total: { cents: event.data.amount, currency: event.data.currency } } };";

function shopWorkspace(): SpecWorkspace {
  const ws = specWorkspace();
  cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop"), join(ws.dir, "specs"), { recursive: true });
  return ws;
}

/** The line (1-based) of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split("\n").findIndex((line) => line.includes(needle)) + 1;
}

/** Drop "order.placed" v3, whose upcast was a hand-written function, from the shop spec. */
function removeVersion3(ws: SpecWorkspace): void {
  const spec = ws.read("specs/shop.yaml");
  ws.write("specs/shop.yaml", spec.slice(0, spec.indexOf("    OrderPlacedV3:\n      name")).replace("      OrderPlacedV3: { $ref: '#/components/messages/OrderPlacedV3' }\n", ""));
}

describe("generator - hand-written upcasters that would fail later fail now", () => {
  test("generate writes a new stub but exits 1 naming its file and line, and so does check, until the body is written", async () => {
    using ws = shopWorkspace();
    const generated = await ws.evc("generate", "--specs", "specs");
    const line = lineOf(ws.read(upcaster), "export function upcastOrderPlacedV2ToV3");
    expect(line).toBeGreaterThan(0);
    const finding = `${upcaster}:${line}:1: error: upcastOrderPlacedV2ToV3 is not written yet: "order.placed" v2 events cannot be read as v3 until it is (write its body) (evc-unwritten-upcaster)`;
    expect(generated.code).toBe(1);
    expect(generated.stdout).toContain(`wrote ${upcaster}`);
    expect(generated.stderr.split("\n")).toContain(finding);

    const checked = await ws.evc("check", "--specs", "specs");
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/^generated is in sync with specs\n.*1 hand-written upcaster to fix\n$/);
    expect(checked.stderr.split("\n")).toContain(finding);

    ws.write(upcaster, ws.read(upcaster).replace(/  throw new Error\(.*\);/, body));
    expect(await ws.evc("check", "--specs", "specs")).toMatchObject({ code: 0, stderr: "" });
    expect(await ws.evc("generate", "--specs", "specs")).toMatchObject({ code: 0, stderr: "" });
  });

  test("an event type cannot close the doc comment of its stub and inject code; the stub compiles and imports nothing but types", async () => {
    using ws = shopWorkspace();
    const hostile = "order */ (globalThis as any).injectedByStub = true; /* placed";
    ws.write("specs/shop.yaml", ws.read("specs/shop.yaml").replaceAll("order.placed", hostile));
    const generated = await ws.evc("generate", "--specs", "specs");
    expect(generated.stderr).toMatch(/is not written yet: .* \(evc-unwritten-upcaster\)/);
    expect(generated.stderr).not.toMatch(/Unexpected|Inserting/);
    const stub = readdirSync(join(ws.dir, "upcasters/shop")).map((file) => `upcasters/shop/${file}`)[0] as string;
    const text = ws.read(stub);
    expect(text).toContain("order *\\/ (globalThis as any).injectedByStub = true; /* placed");
    expect(text.split("\n").filter((line) => line.includes("injectedByStub")).every((line) => /^(\/\/| \*|\/\*\*)/.test(line.trim()) || line.trim().startsWith("/**"))).toBe(true);
    ws.write(stub, text.replace(/^ {2}throw new Error\(.*\);$/m, body));
    expect(typecheck([join(ws.dir, stub)])).toEqual([]);
  });

  test("a written upcaster runs on the examples of the version before: an invalid result, or a throw, is an error at the function", async () => {
    using ws = shopWorkspace();
    await ws.evc("generate", "--specs", "specs");
    const line = lineOf(ws.read(upcaster), "export function upcastOrderPlacedV2ToV3");
    ws.write(upcaster, ws.read(upcaster).replace(/  throw new Error\(.*\);/, body.replace("cents: event.data.amount", "cents: String(event.data.amount)")));
    const invalid = await ws.evc("check", "--specs", "specs");
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(new RegExp(`^${upcaster}:${line}:1: error: upcastOrderPlacedV2ToV3 turns the v2 example of "order\\.placed" into an invalid v3: /data/total/cents must be integer \\(evc-upcast-invalid\\)$`, "m"));

    ws.write(upcaster, ws.read(upcaster).replace(/  return \{ \.\.\.event[^\n]*/, '  throw new RangeError("no currency");'));
    const throwing = await ws.evc("generate", "--specs", "specs");
    expect(throwing.code).toBe(1);
    expect(throwing.stderr).toMatch(new RegExp(`^${upcaster}:${line}:1: error: upcastOrderPlacedV2ToV3 throws on the v2 example of "order\\.placed": no currency \\(evc-upcast-throws\\)$`, "m"));
  });

  test("the unwritten stub of a removed version is removed with its imports, and the upcasters still compile", async () => {
    using ws = shopWorkspace();
    await ws.evc("generate", "--specs", "specs");
    expect(ws.read(upcaster)).toContain("order-placed.v3.js");
    removeVersion3(ws);
    expect(await ws.evc("generate", "--specs", "specs")).toMatchObject({ code: 0, stderr: "" });
    const left = ws.read(upcaster);
    expect(left).not.toContain("upcastOrderPlacedV2ToV3");
    expect(left).not.toContain("order-placed.v3.js");
    expect(typecheck([join(ws.dir, upcaster)])).toEqual([]);
    expect(await ws.evc("check", "--specs", "specs")).toMatchObject({ code: 0, stderr: "" });
  });

  test("a written upcaster of a removed version is kept and reported at its line by generate and check", async () => {
    using ws = shopWorkspace();
    await ws.evc("generate", "--specs", "specs");
    ws.write(upcaster, ws.read(upcaster).replace(/  throw new Error\(.*\);/, body));
    const written = ws.read(upcaster);
    removeVersion3(ws);
    const finding = `${upcaster}:${lineOf(written, "export function upcastOrderPlacedV2ToV3")}:1: error: upcastOrderPlacedV2ToV3 upcasts to a version the specs no longer declare with \`upcast: function\`; delete it (it imports generated types that are gone) (evc-upcaster-of-removed-version)`;
    const generated = await ws.evc("generate", "--specs", "specs");
    expect(generated.code).toBe(1);
    expect(generated.stderr.split("\n")).toContain(finding);
    expect(ws.read(upcaster)).toBe(written);
    const checked = await ws.evc("check", "--specs", "specs");
    expect(checked.code).toBe(1);
    expect(checked.stderr.split("\n")).toContain(finding);
  });

  test("when the output folder moves, the upcaster imports each generated type once, from the new folder, and still compiles", async () => {
    using ws = shopWorkspace();
    await ws.evc("generate", "--specs", "specs");
    ws.write(upcaster, ws.read(upcaster).replace(/  throw new Error\(.*\);/, body));
    expect(await ws.evc("generate", "--specs", "specs", "--out", "sdk")).toMatchObject({ code: 0, stderr: "" });
    const moved = ws.read(upcaster);
    expect(moved).toContain(body);
    const imports = moved.split("\n").filter((line) => line.startsWith("import "));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((line) => line.includes('"../../sdk/shop/'))).toBe(true);
    for (const name of ["OrderPlacedV2Json", "OrderPlacedV3Json"]) expect(imports.filter((line) => new RegExp(`\\b${name}\\b`).test(line))).toHaveLength(1);
    expect(typecheck([join(ws.dir, upcaster)])).toEqual([]);
  });
});
