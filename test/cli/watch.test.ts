import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { editFile, shopWorkspace, type SpecWorkspace } from "../helpers/spec-workspace.js";
import { until } from "../helpers/until.js";

const evcBin = resolve(import.meta.dirname, "../../generator/bin/evc.js");
const model = "generated/shop/order-placed.v1.ts";

/** A hash of every file of the workspace's `generated/` folder, names included. */
function generatedHash(ws: SpecWorkspace): string {
  const folder = join(ws.dir, "generated");
  const hash = createHash("sha256");
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true }).filter((item) => item.isFile())) {
    const path = join(entry.parentPath, entry.name);
    hash.update(`${path}\u0000${readFileSync(path, "utf8")}\u0000`);
  }
  return hash.digest("hex");
}

describe("evc generate --watch", () => {
  test("regenerates on save, reports a broken spec at file:line:col leaving generated/ as it was, regenerates once fixed, stops on SIGINT", async () => {
    using ws = shopWorkspace();
    const child = spawn(process.execPath, [evcBin, "generate", "--watch", "--specs", "specs"], { cwd: ws.dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, EVC_CACHE_DIR: join(ws.dir, ".evc-cache") } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const watching = () => (stdout.match(/for changes \(Ctrl-C to stop\)\n/g) ?? []).length;
    try {
      await until(() => watching() === 1, `the first run of evc generate --watch (${stdout}${stderr})`, 180_000);
      expect(ws.read(model)).toContain("Total in cents.");

      editFile(ws, "specs/shop.yaml", (text) => text.replace("description: Total in cents.", "description: Total in euro cents."));
      await until(() => ws.read(model).includes("Total in euro cents."), `regeneration after an edit (${stdout}${stderr})`, 180_000);
      await until(() => watching() === 2, "the run after the edit to end", 60_000);

      const before = generatedHash(ws);
      editFile(ws, "specs/shop.yaml", (text) => text.replace("description: Total in euro cents.", "description: [Total in euro cents."));
      await until(() => /specs\/shop\.yaml:\d+:\d+: error: /.test(stderr), `an error at file:line:col (${stdout}${stderr})`, 180_000);
      await until(() => watching() === 3, "the watch to go on after the error", 60_000);
      expect(stderr).toMatch(/evc: \d+ errors? in the specs; generated left unchanged/);
      expect(generatedHash(ws)).toBe(before);

      editFile(ws, "specs/shop.yaml", (text) => text.replace("description: [Total in euro cents.", "description: Total in cents as fixed."));
      await until(() => ws.read(model).includes("Total in cents as fixed."), `regeneration once fixed (${stdout}${stderr})`, 180_000);
      await until(() => watching() === 4, "the run after the fix to end", 60_000);

      // The lock is an input too: a release made beside the watch is seen, and a change of a released contract is reported.
      expect((await ws.evc("release", "--specs", "specs")).code).toBe(0);
      await until(() => watching() === 5, `a run after the release (${stdout}${stderr})`, 60_000);
      editFile(ws, "specs/shop.yaml", (text) => text.replace("amount: { type: number, minimum: 0,", "amount: { type: number, minimum: 1,"));
      await until(() => /warning: order\.placed v1: "data\.amount": minimum increased from 0 to 1, a change of a released contract/.test(stderr), `the change of a released contract (${stdout}${stderr})`, 180_000);
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGINT");
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    }
    expect(stdout).toMatch(/evc generate --watch: stopped\n$/);
  }, 600_000);
});
