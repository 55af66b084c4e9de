import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { checkLock } from "@evc/cli/compat";
import { loadConfig, loadContracts } from "@evc/cli";
import { editFile, specWorkspace, type SpecWorkspace, shopUpcaster, writeShopUpcaster } from "../helpers/spec-workspace.js";

/** What check and release say to do about a change of a released contract. */
const releasedChangeHint = "a released version does not change: declare the next version (with x-evc.upcast from this one), or accept the break with a reason (compatibility.accept in evc.config.yaml)";

const config = (accept = "[]") => `version: 1\nspecs: specs\noutput:\n  dir: sdk\ncompatibility:\n  lock: evc.lock.yaml\n  accept: ${accept}\n`;
const v1Amount = "amount: { type: number, minimum: 0, description: Total in cents. }";
const withoutV3 = (spec: string) =>
  spec
    .replace("      OrderPlacedV3: { $ref: '#/components/messages/OrderPlacedV3' }\n", "")
    .replace(/    OrderPlacedV3:\n[\s\S]*$/, "");

/** The shop fixture in specs/ with a configuration, its SDK generated and its contracts released. */
async function releasedShop(base: (spec: string) => string = (spec) => spec): Promise<SpecWorkspace> {
  const ws = specWorkspace({ "evc.config.yaml": config() });
  cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop"), join(ws.dir, "specs"), { recursive: true });
  ws.write("specs/shop.yaml", base(ws.read("specs/shop.yaml")));
  await ws.evc("generate");
  if (ws.exists(shopUpcaster)) writeShopUpcaster(ws);
  expect((await ws.evc("generate")).code).toBe(0);
  const release = await ws.evc("release");
  expect(release.code).toBe(0);
  return ws;
}

function edit(ws: SpecWorkspace, change: (spec: string) => string): void {
  editFile(ws, "specs/shop.yaml", change);
}

function positionOf(ws: SpecWorkspace, text: string): string {
  const spec = ws.read("specs/shop.yaml");
  const lines = spec.slice(0, spec.indexOf(text)).split("\n");
  return `${lines.length}:${(lines.at(-1) as string).length + 1}`;
}

// Each test generates an SDK and runs several commands: slow on a loaded machine.
describe("cli - the lock of released contracts", { timeout: 120_000 }, () => {
  test("evc release records every version; an edit a released version's mode forbids fails evc check at its line, and release refuses it", async () => {
    await using ws = await disposable(releasedShop());
    const lock = ws.read("evc.lock.yaml");
    expect(lock).toMatch(/^ {2}order\.placed@v1:\n {4}compatibility: BACKWARD\n {4}schema:\n/m);
    expect(lock).toContain("  order.placed@v3:\n");
    expect(await ws.evc("check")).toMatchObject({ code: 0, stdout: "sdk is in sync with specs\nevc check: released contracts hold (evc.lock.yaml)\n" });

    edit(ws, (spec) => spec.replace(v1Amount, "amount: { type: number, minimum: 1, description: Total in cents. }"));
    const generated = await ws.evc("generate");
    expect(generated.code).toBe(0);
    expect(generated.stderr).toBe(
      `specs/shop.yaml:${positionOf(ws, "minimum: 1")}: warning: order.placed v1: "data.amount": minimum increased from 0 to 1, a change of a released contract (MINIMUM_INCREASED, breaks BACKWARD)\n`,
    );
    expect(generated.stdout).toMatch(/: 3 files updated \(\d+ ms\); 1 breaking change of released contracts, which `evc check` refuses: a released version does not change/);
    const checked = await ws.evc("check");
    expect(checked.code).toBe(1);
    expect(checked.stdout).toBe(
      `specs/shop.yaml:${positionOf(ws, "minimum: 1")}: order.placed v1: "data.amount": minimum increased from 0 to 1 (MINIMUM_INCREASED, breaks BACKWARD)\n` +
        `sdk is in sync with specs\nevc check: 1 breaking change of released contracts (evc.lock.yaml); ${releasedChangeHint}\n`,
    );
    const refused = await ws.evc("release");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`evc: 1 breaking change of released contracts; evc.lock.yaml left unchanged; ${releasedChangeHint}\n`);
    expect(ws.read("evc.lock.yaml")).toBe(lock);
  });

  test("a compatible edit of a released version passes and is noted; release records the new schema", async () => {
    await using ws = await disposable(releasedShop());
    edit(ws, (spec) => spec.replace(v1Amount, "amount: { type: number, description: Total in cents. }"));
    await ws.evc("generate");
    const checked = await ws.evc("check");
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain("note: order.placed v1: payload changed compatibly under BACKWARD (SCHEMA_CHANGED)");
    const before = ws.read("evc.lock.yaml");
    expect((await ws.evc("release")).stdout).toBe("updated order.placed@v1\nevc.lock.yaml: 3 released event versions (0 new)\n");
    expect(ws.read("evc.lock.yaml")).not.toBe(before);
    expect((await ws.evc("check")).stdout).not.toContain("note:");
  });

  test("a version added is free until released, then locked; removing a released version breaks, located in the lock", async () => {
    await using ws = await disposable(releasedShop(withoutV3));
    cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop/shop.yaml"), join(ws.dir, "specs/shop.yaml"));
    await ws.evc("generate");
    writeShopUpcaster(ws);
    const unreleased = await ws.evc("check");
    expect(unreleased.code).toBe(0);
    expect(unreleased.stdout).toBe("sdk is in sync with specs\nevc check: released contracts hold (evc.lock.yaml); 1 event version not released yet: `evc release` locks them\n");
    expect((await ws.evc("release")).stdout).toBe("released order.placed@v3\nevc.lock.yaml: 3 released event versions (1 new)\n");

    edit(ws, withoutV3);
    await ws.evc("generate");
    const removed = await ws.evc("check");
    expect(removed.code).toBe(1);
    const lock = ws.read("evc.lock.yaml");
    const line = lock.slice(0, lock.indexOf("order.placed@v3:")).split("\n").length;
    expect(removed.stdout).toContain(`evc.lock.yaml:${line}:3: order.placed v3: version removed (it is declared there at the lock) (VERSION_REMOVED, breaks BACKWARD)\n`);
  });

  test("an accepted break passes, reported as accepted with its reason; one that matches no change against the lock is no warning (the baseline may not hold its change yet)", async () => {
    await using ws = await disposable(releasedShop());
    edit(ws, (spec) => spec.replace(v1Amount, "amount: { type: number, minimum: 1, description: Total in cents. }"));
    await ws.evc("generate");
    ws.write(
      "evc.config.yaml",
      config('\n    - { contract: order.placed@v1, rule: MINIMUM_INCREASED, reason: "no order was ever free" }\n    - { contract: order.placed@v2, rule: TYPE_CHANGED, reason: stale }'),
    );
    const checked = await ws.evc("check");
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(
      `specs/shop.yaml:${positionOf(ws, "minimum: 1")}: accepted: order.placed v1: "data.amount": minimum increased from 0 to 1 (MINIMUM_INCREASED, accepted: no order was ever free)\n`,
    );
    expect(checked.stdout).toContain("evc check: released contracts hold (evc.lock.yaml; 1 accepted break)\n");
    expect(checked.stderr).toBe("");
    const released = await ws.evc("release");
    expect(released).toMatchObject({ code: 0, stderr: "" });
    expect(released.stdout).toContain("updated order.placed@v1\n");
    expect(await ws.evc("check")).toMatchObject({ code: 0, stderr: "" });
  });

  test("a malformed lock is an error at its line, exit 2", async () => {
    await using ws = await disposable(releasedShop());
    ws.write("evc.lock.yaml", "version: 1\ncontracts:\n  order.placed: { compatibility: BACKWARD, schema: {} }\n");
    const { code, stderr } = await ws.evc("check");
    expect(code).toBe(2);
    expect(stderr).toContain('evc.lock.yaml:3:3: error: "order.placed" is not an event version: expected "<type>@v<N>" (evc-lock)');
    // generate checks the lock before it writes anything: the SDK is left as it was.
    rmSync(join(ws.dir, "sdk"), { recursive: true, force: true });
    const generated = await ws.evc("generate");
    expect(generated.code).toBe(2);
    expect(generated.stderr).toContain('evc.lock.yaml:3:3: error: "order.placed" is not an event version: expected "<type>@v<N>" (evc-lock)');
    expect(generated.stderr).toContain("evc: 1 error in the lock; sdk left unchanged");
    expect(ws.exists("sdk")).toBe(false);
  });
});

describe("contracts - this repository's lock", () => {
  test("every released contract of asyncapi/ holds to evc.lock.yaml, and every version is released", async () => {
    const { specs, compatibility } = loadConfig({ cwd: process.cwd(), file: undefined });
    const head = await loadContracts({ specs, cwd: process.cwd(), allowRemoteRefs: false, defaultCompatibility: compatibility.mode });
    const gate = checkLock(head, { lock: compatibility.lock, cwd: process.cwd(), policy: compatibility.policy, accept: compatibility.accept });
    expect(gate.locked).toBe(true);
    expect(gate.changes.map((change) => `${change.severity} ${change.rule} ${change.type} v${change.version}: ${change.message}`)).toEqual([]);
  }, 60_000);
});

/** Let `await using` dispose a workspace made asynchronously. */
async function disposable(made: Promise<SpecWorkspace>): Promise<SpecWorkspace & AsyncDisposable> {
  const ws = await made;
  return Object.assign(ws, { [Symbol.asyncDispose]: async () => ws[Symbol.dispose]() });
}
