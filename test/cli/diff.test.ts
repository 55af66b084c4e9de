import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { evc } from "../helpers/cli.js";
import { editFile, specWorkspace, type SpecWorkspace } from "../helpers/spec-workspace.js";

const identity = { GIT_AUTHOR_NAME: "evc tests", GIT_AUTHOR_EMAIL: "tests@evc.invalid", GIT_COMMITTER_NAME: "evc tests", GIT_COMMITTER_EMAIL: "tests@evc.invalid" };

function git(ws: SpecWorkspace, ...args: string[]): void {
  execFileSync("git", args, { cwd: ws.dir, env: { ...process.env, ...identity }, stdio: "ignore" });
}

/** A git repository holding the shop fixture in specs/, edited by `base` and committed. */
function shopRepository(base: (spec: string) => string = (spec) => spec): SpecWorkspace {
  const ws = specWorkspace();
  cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop"), join(ws.dir, "specs"), { recursive: true });
  ws.write("specs/shop.yaml", base(ws.read("specs/shop.yaml")));
  git(ws, "init", "-q");
  git(ws, "add", "-A");
  git(ws, "commit", "-q", "-m", "shop");
  return ws;
}

function edit(ws: SpecWorkspace, change: (spec: string) => string): void {
  editFile(ws, "specs/shop.yaml", change);
}

/** Line and column (from 1) of `text` in shop.yaml, searching from the first `after`. */
function positionOf(ws: SpecWorkspace, text: string, after = ""): string {
  const spec = ws.read("specs/shop.yaml");
  const offset = spec.indexOf(text, spec.indexOf(after));
  const lines = spec.slice(0, offset).split("\n");
  return `${lines.length}:${(lines.at(-1) as string).length + 1}`;
}

const diff = (ws: SpecWorkspace, ...flags: string[]) => ws.evc("diff", "--against", "HEAD", "--specs", "specs", ...flags);
const v1Amount = "amount: { type: number, minimum: 0, description: Total in cents. }";
const withoutV3 = (spec: string) =>
  spec
    .replace("      OrderPlacedV3: { $ref: '#/components/messages/OrderPlacedV3' }\n", "")
    .replace(/    OrderPlacedV3:\n[\s\S]*$/, "");

describe("cli - evc diff", () => {
  test("unchanged contracts have no breaking change", async () => {
    using ws = shopRepository();
    expect(await diff(ws)).toEqual({ code: 0, stdout: "evc diff: no breaking change since HEAD (0 notes)\n", stderr: "" });
  });

  test("a released version narrowed is a breaking change at the field's line in the new spec", async () => {
    using ws = shopRepository();
    edit(ws, (spec) => spec.replace(v1Amount, "amount: { type: number, minimum: 1, description: Total in cents. }"));
    const { code, stdout } = await diff(ws);
    expect(code).toBe(1);
    expect(stdout).toBe(
      `specs/shop.yaml:${positionOf(ws, "minimum: 1")}: order.placed v1: "data.amount": minimum increased from 0 to 1 (MINIMUM_INCREASED, breaks BACKWARD)\n` +
        "evc diff: 1 breaking change since HEAD\n",
    );
  });

  test("an optional field added to an open content model breaks BACKWARD under strict, not lenient", async () => {
    using ws = shopRepository();
    edit(ws, (spec) => spec.replace(v1Amount, `${v1Amount}\n                  note: { type: string }`));
    const strict = await diff(ws);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(
      `specs/shop.yaml:${positionOf(ws, "note: {")}: order.placed v1: "data.note": optional property added to an open content model (OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, breaks BACKWARD)\n`,
    );
    const lenient = await diff(ws, "--policy", "lenient");
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain("note: order.placed v1: payload changed compatibly under BACKWARD (SCHEMA_CHANGED)");
  });

  test("--json prints every change with its rule, location and directions", async () => {
    using ws = shopRepository();
    edit(ws, (spec) => spec.replace("amount: { type: number, minimum: 0 }\n                  currency", "amount: { type: number, minimum: 0, maximum: 100000 }\n                  currency"));
    const { code, stdout } = await diff(ws, "--json");
    expect(code).toBe(1);
    const [line, column] = positionOf(ws, "maximum: 100000").split(":").map(Number);
    expect(JSON.parse(stdout)).toEqual({
      command: "diff",
      ok: false,
      exitCode: 1,
      summary: "evc diff: 1 breaking change since HEAD",
      findings: [
        {
          severity: "error",
          rule: "MAXIMUM_ADDED",
          type: "order.placed",
          version: 2,
          message: '"data.amount": maximum 100000 added',
          location: { file: "specs/shop.yaml", line, column },
          breaks: ["BACKWARD"],
          path: "#/allOf/1/properties/data/properties/amount/maximum",
        },
      ],
    });
  });

  test("an accepted break passes until the baseline holds its change; then it is a warning at its line to remove it", async () => {
    using ws = shopRepository();
    ws.write("evc.config.yaml", 'version: 1\nspecs: specs\ncompatibility:\n  accept:\n    - { contract: order.placed@v1, rule: MINIMUM_INCREASED, reason: "no order was ever free" }\n');
    edit(ws, (spec) => spec.replace(v1Amount, "amount: { type: number, minimum: 1, description: Total in cents. }"));
    const accepted = await diff(ws);
    expect(accepted).toMatchObject({ code: 0, stderr: "" });
    expect(accepted.stdout).toContain("accepted: order.placed v1: \"data.amount\": minimum increased from 0 to 1 (MINIMUM_INCREASED, accepted: no order was ever free)\n");
    git(ws, "add", "-A");
    git(ws, "commit", "-q", "-m", "minimum 1");
    expect(await diff(ws)).toEqual({ code: 0, stdout: "evc diff: no breaking change since HEAD (0 notes)\n", stderr: "evc.config.yaml:5:7: warning: accepted break MINIMUM_INCREASED of order.placed@v1 matches no change since HEAD; remove it\n" });
  });

  test("evc list and evc catalog read the specs the configuration names, unless --specs says otherwise", async () => {
    using ws = shopRepository();
    ws.write("evc.config.yaml", "version: 1\nspecs: specs\n");
    const listed = await ws.evc("list", "--json");
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect((JSON.parse(listed.stdout) as { items: { type: string }[] }).items.map((item) => item.type)).toContain("order.placed");
    expect(await ws.evc("catalog", "--out", "site")).toMatchObject({ code: 0, stdout: expect.stringContaining("wrote the catalog of") });
    expect(JSON.parse(ws.read("site/catalog.json")) as unknown).toMatchObject({ systems: [expect.objectContaining({ name: "shop" })] });
    expect(await ws.evc("list", "--specs", "elsewhere")).toMatchObject({ code: 2, stderr: expect.stringContaining("elsewhere") });
  });

  test("a baseline of the configuration that names no revision, and specs it names that do not exist, are errors at their lines", async () => {
    using ws = shopRepository();
    ws.write("evc.config.yaml", "version: 1\nspecs: specs\ncompatibility:\n  baseline: trunk\n");
    const baseline = await ws.evc("diff");
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toContain('evc.config.yaml:4:3: error: "compatibility.baseline" names "trunk", which is no git revision of this repository: name the branch pull requests merge into (git branch lists them), or give --against <git-ref>');
    expect(await ws.evc("diff", "--against", "trunk")).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid argument "against"') });
    ws.write("evc.config.yaml", "version: 1\nspecs: nothere\n");
    for (const command of [["diff", "--against", "HEAD"], ["generate"], ["check"], ["list"], ["catalog", "--out", "site"]]) {
      const missing = await ws.evc(...command);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('evc.config.yaml:2:1: error: "specs" names "nothere", which does not exist: a spec file or a folder of specs, relative to the configuration\'s folder');
    }
    expect(await ws.evc("diff", "--against", "HEAD", "--specs", "specs")).toMatchObject({ code: 0 });
  });

  test("a removed version is a breaking change located in the old revision", async () => {
    using ws = shopRepository();
    const declared = positionOf(ws, "OrderPlacedV3:", "components:");
    edit(ws, withoutV3);
    const { code, stdout } = await diff(ws);
    expect(code).toBe(1);
    expect(stdout).toBe(
      `specs/shop.yaml:${declared}: order.placed v3: version removed (it is declared there at HEAD) (VERSION_REMOVED, breaks BACKWARD)\n` +
        "evc diff: 1 breaking change since HEAD\n",
    );
  });

  test("a new version with an upcast is a note, and a new event type too", async () => {
    using ws = shopRepository(withoutV3);
    cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop/shop.yaml"), join(ws.dir, "specs/shop.yaml"));
    const { code, stdout } = await diff(ws);
    expect(code).toBe(0);
    expect(stdout).toBe(
      `specs/shop.yaml:${positionOf(ws, "OrderPlacedV3:", "components:")}: note: order.placed v3: new version, upcast from v2 by a hand-written function (VERSION_ADDED)\n` +
        "evc diff: no breaking change since HEAD (1 note)\n",
    );
  });

  test("the mode a version was released with binds its change; a relaxed mode is a note", async () => {
    using ws = shopRepository();
    edit(ws, (spec) =>
      spec.replace(v1Amount, "amount: { type: number, minimum: 1, description: Total in cents. }").replace("x-evc: { version: 1 }", "x-evc: { version: 1, compatibility: NONE }"),
    );
    const { code, stdout } = await diff(ws);
    expect(code).toBe(1);
    expect(stdout).toContain("note: order.placed v1: compatibility changed from BACKWARD to NONE; this change is still held to BACKWARD (COMPATIBILITY_CHANGED)");
    expect(stdout).toContain("(MINIMUM_INCREASED, breaks BACKWARD)");
  });

  test("a version released under NONE may change freely", async () => {
    using ws = shopRepository((spec) => spec.replace("x-evc: { version: 1 }", "x-evc: { version: 1, compatibility: NONE }"));
    edit(ws, (spec) => spec.replace(v1Amount, "amount: { type: integer, minimum: 1 }"));
    const { code, stdout } = await diff(ws);
    expect(code).toBe(0);
    expect(stdout).toContain("note: order.placed v1: payload changed under NONE, which checks nothing (SCHEMA_CHANGED)");
  });

  test("a transitive mode checks the change against earlier versions too, reporting only what is new", async () => {
    const transitive = (spec: string) => spec.replace("        version: 2\n        upcast:", "        version: 2\n        compatibility: FORWARD_TRANSITIVE\n        upcast:");
    using ws = shopRepository(transitive);
    // v2 already breaks FORWARD against v1 (the status field it dropped); only the new break is reported.
    edit(ws, (spec) => spec.replace("currency: { type: string, minLength: 3, maxLength: 3 }", "currency: { type: string, minLength: 3, maxLength: 4 }"));
    const { code, stdout } = await diff(ws);
    expect(code).toBe(1);
    const lines = stdout.split("\n").filter((line) => line.includes("breaks"));
    expect(lines.map((line) => line.replace(/^specs\/shop\.yaml:\d+:\d+: /, ""))).toEqual([
      'order.placed v2: "data.currency": maxLength increased from 3 to 4 (MAX_LENGTH_INCREASED, breaks FORWARD)',
    ]);
    edit(ws, (spec) => spec.replace("amount: { type: number, minimum: 0 }\n                  currency", "amount: { type: number }\n                  currency"));
    const widened = await diff(ws);
    expect(widened.stdout).toContain('order.placed v2: "data.amount": minimum 0 removed (MINIMUM_REMOVED, breaks FORWARD)\n');
    expect(widened.stdout).toContain('order.placed v2: "data.amount": minimum 0 removed (against v1) (MINIMUM_REMOVED, breaks FORWARD)\n');
  });

  test("specs that do not exist at the revision are all new", async () => {
    using ws = specWorkspace({ "README.md": "shop\n" });
    git(ws, "init", "-q");
    git(ws, "add", "-A");
    git(ws, "commit", "-q", "-m", "readme");
    cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop"), join(ws.dir, "specs"), { recursive: true });
    expect(await diff(ws)).toEqual({ code: 0, stdout: "evc diff: HEAD has no specs: every contract is new\n", stderr: "" });
  });

  test("an unknown revision exits 2", async () => {
    using ws = shopRepository();
    const { code, stderr } = await ws.evc("diff", "--against", "no-such-ref", "--specs", "specs");
    expect(code).toBe(2);
    expect(stderr).toBe(`evc: invalid argument "against": a git revision of the repository at "${ws.dir}", but "no-such-ref" is not one\n`);
  });

  test("outside a git repository it exits 2 saying so, not that the revision is unknown", async () => {
    using ws = specWorkspace();
    cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop"), join(ws.dir, "specs"), { recursive: true });
    const { code, stderr } = await ws.evc("diff", "--against", "main", "--specs", "specs");
    expect(code).toBe(2);
    expect(stderr).toBe(`evc: invalid argument "against": a git revision, but "${ws.dir}" is not inside a git repository: run evc diff in a clone of the contracts\n`);
  });

  test("broken specs in the working tree cannot be compared: exit 2 with their diagnostics, and JSON says so", async () => {
    using ws = shopRepository();
    edit(ws, (spec) => spec.replace("data: { orderId: o-1, amount: 1200 }", "data: { orderId: o-1, amount: -5 }"));
    const { code, stderr } = await diff(ws);
    expect(code).toBe(2);
    expect(stderr).toContain("(evc-invalid-example)");
    expect(stderr).toMatch(/evc: 2 errors in the specs; nothing compared\n$/);
    const json = await diff(ws, "--format", "json");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ command: "diff", ok: false, exitCode: 2, summary: "evc: 2 errors in the specs; nothing compared", findings: expect.arrayContaining([expect.objectContaining({ severity: "error", rule: "evc-invalid-example" })]) });
  });

  test("the repository's own contracts have no breaking change against HEAD", async () => {
    const { code, stdout } = await evc({}, "diff", "--against", "HEAD");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^evc diff: no breaking change since HEAD/m);
  }, 60_000);
});
