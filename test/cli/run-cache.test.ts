import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { editFile, shopWorkspace, type SpecWorkspace, writeShopUpcaster } from "../helpers/spec-workspace.js";

/** Rewrite the outcome of every cache entry of the workspace, so that a run served from the cache shows it. */
function tamperEntries(ws: SpecWorkspace, change: (outcome: Record<string, unknown>) => void): number {
  const folder = join(ws.dir, ".evc-cache");
  const entries = readdirSync(folder).filter((name) => name.endsWith(".json"));
  for (const name of entries) {
    const entry = JSON.parse(readFileSync(join(folder, name), "utf8")) as { outcome: Record<string, unknown> };
    change(entry.outcome);
    writeFileSync(join(folder, name), JSON.stringify(entry));
  }
  return entries.length;
}

describe("evc generate and evc check: the run cache", () => {
  test("unchanged inputs and output replay the last outcome; an edited spec, configuration or --no-cache runs in full", async () => {
    using ws = shopWorkspace();
    await ws.evc("generate", "--specs", "specs");
    writeShopUpcaster(ws);
    expect((await ws.evc("generate", "--specs", "specs")).code).toBe(0);
    expect(tamperEntries(ws, (outcome) => (outcome["events"] = 41))).toBe(1);

    // Served from the cache: the tampered count shows that nothing was read again.
    expect((await ws.evc("generate", "--specs", "specs")).stdout).toMatch(/^41 event versions of 1 system: nothing changed/);
    expect((await ws.evc("generate", "--specs", "specs", "--no-cache")).stdout).toMatch(/^3 event versions of 1 system: nothing changed/);

    editFile(ws, "specs/shop.yaml", (text) => text.replace("description: Total in cents.", "description: Total, in cents."));
    const edited = await ws.evc("generate", "--specs", "specs");
    expect(edited.stdout).toMatch(/^wrote generated\/.*\n3 event versions of 1 system: \d+ files updated/m);

    tamperEntries(ws, (outcome) => (outcome["events"] = 41));
    ws.write("evc.config.yaml", "version: 1\n");
    expect((await ws.evc("generate", "--specs", "specs")).stdout).toMatch(/^3 event versions of 1 system: nothing changed/);
  }, 240_000);

  test("check finds a generated file edited by hand, and a file of the upcasters folder or the lock changed since the cached run", async () => {
    using ws = shopWorkspace();
    await ws.evc("generate", "--specs", "specs");
    writeShopUpcaster(ws);
    await ws.evc("generate", "--specs", "specs");
    expect((await ws.evc("check", "--specs", "specs")).code).toBe(0);
    tamperEntries(ws, (outcome) => {
      if ("shown" in outcome) outcome["shown"] = { out: "generated", specs: "the cached specs", lock: "evc.lock.yaml" };
    });
    expect((await ws.evc("check", "--specs", "specs")).stdout).toBe("generated is in sync with the cached specs\nevc check: evc.lock.yaml does not exist: no contract is released yet; run `evc release`\n");

    const file = "generated/shop/order-placed.v1.ts";
    const generated = ws.read(file);
    ws.write(file, `${generated}// edited by hand\n`);
    const stale = await ws.evc("check", "--specs", "specs");
    expect(stale).toMatchObject({ code: 1, stderr: expect.stringContaining(`stale: ${file} (changed)`) as unknown });
    ws.write(file, generated);
    expect((await ws.evc("check", "--specs", "specs")).stdout).toMatch(/the cached specs/);

    ws.write("upcasters/README.md", "Hand-written upcasters.\n");
    expect((await ws.evc("check", "--specs", "specs")).stdout).toMatch(/^generated is in sync with specs\n/);

    expect((await ws.evc("release", "--specs", "specs")).code).toBe(0);
    expect((await ws.evc("check", "--specs", "specs")).stdout).toMatch(/released contracts hold \(evc\.lock\.yaml\)/);
  }, 240_000);
});
