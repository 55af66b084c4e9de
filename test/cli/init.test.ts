import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { evcIn } from "../helpers/cli.js";
import { typecheck } from "../helpers/typecheck.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "evc-init-"));
  folders.push(dir);
  return dir;
}

function evc(cwd: string, ...args: string[]) {
  return evcIn(cwd, {}, ...args);
}

const packageJson = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;

describe("evc init", () => {
  test("scaffolds config, spec, envelope, tsconfig, CI workflow and package.json, and the result generates and type-checks", async () => {
    const dir = folder();
    const init = await evc(dir, "init");
    expect(init).toMatchObject({ code: 0, stderr: "" });
    for (const file of ["evc.config.yaml", "asyncapi/orders.yaml", "asyncapi/common/envelope.yaml", "tsconfig.json", ".gitignore", ".github/workflows/contracts.yml"]) {
      expect(init.stdout).toContain(`created ${file}`);
      expect(existsSync(join(dir, file))).toBe(true);
    }
    expect(readFileSync(join(dir, ".github/workflows/contracts.yml"), "utf8")).toContain("npx evc check");
    expect(packageJson(dir)).toMatchObject({ type: "module", scripts: { generate: "evc generate", check: "evc check" }, exports: { ".": { types: "./dist/generated/index.d.ts" } } });
    const { version } = packageJson(join(import.meta.dirname, "../../generator"));
    expect(packageJson(dir)).toMatchObject({ dependencies: { "@evc/runtime": `^${String(version)}` }, devDependencies: { "@evc/cli": `^${String(version)}`, typescript: expect.any(String), "@types/node": expect.any(String) } });
    expect(init.stdout).toContain("created package.json (type, scripts, exports, @evc/runtime, @evc/cli, typescript, @types/node)\n");
    expect(init.stdout).toContain("next: npm install, then npx evc generate, then npx tsc -p tsconfig.json\n");
    expect(JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8"))).toMatchObject({ compilerOptions: { types: ["node"] } });

    symlinkSync(join(import.meta.dirname, "../../node_modules"), join(dir, "node_modules"), "dir");
    const generated = await evc(dir, "generate");
    expect(generated.stderr).toBe("");
    expect(generated.stdout).toMatch(/1 event version of 1 system: /);
    expect(readFileSync(join(dir, "generated/orders/order-placed.v1.ts"), "utf8")).toContain('import * as $evc from "@evc/runtime/codegen";');
    expect(typecheck([join(dir, "generated/index.ts")])).toEqual([]);
    expect(await evc(dir, "check")).toMatchObject({ code: 0 });
    const listed = JSON.parse((await evc(dir, "list", "--json")).stdout) as Record<string, unknown>;
    expect(listed).toMatchObject({ command: "list", ok: true, exitCode: 0, findings: [], items: [{ type: "order.placed", version: 1, latestVersion: 1, system: "orders" }] });
  });

  test("never overwrites a file, and keeps the scripts a package.json already has", async () => {
    const dir = folder();
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "mine", type: "module", scripts: { build: "my-build" } }));
    writeFileSync(join(dir, "evc.config.yaml"), "# mine\n");
    const init = await evc(dir, "init");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("kept evc.config.yaml (it exists)");
    expect(readFileSync(join(dir, "evc.config.yaml"), "utf8")).toBe("# mine\n");
    expect(packageJson(dir)).toMatchObject({ name: "mine", scripts: { build: "my-build", generate: "evc generate" } });
    const again = await evc(dir, "init");
    expect(again.stdout).not.toContain("created");
    expect(again.stdout).not.toContain("package.json");
  });

  test("adds only the packages package.json names nowhere, and names a folder to go to first", async () => {
    const parent = folder();
    const dir = join(parent, "contracts");
    const created = await evc(parent, "init", "contracts");
    expect(created.stdout).toContain("next: cd contracts, then npm install, then npx evc generate, then npx tsc -p tsconfig.json\n");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "mine", type: "module", dependencies: { typescript: "5.9.0" }, devDependencies: { "@evc/runtime": "file:../runtime.tgz" } }));
    const again = await evc(dir, "init");
    expect(again.stdout).toContain("updated package.json (scripts, exports, @evc/cli, @types/node)\n");
    expect(packageJson(dir)).toMatchObject({ dependencies: { typescript: "5.9.0" }, devDependencies: { "@evc/runtime": "file:../runtime.tgz", "@evc/cli": expect.any(String), "@types/node": expect.any(String) } });
    expect(packageJson(dir)["dependencies"]).not.toHaveProperty("@evc/runtime");
  });

  test('leaves the "type": "commonjs" of a package alone: refuses before writing anything, saying how on; a package of its own in a subfolder is scaffolded', async () => {
    const fresh = folder();
    const npmInit = JSON.stringify({ name: "fresh", version: "1.0.0", main: "index.js", type: "commonjs" });
    writeFileSync(join(fresh, "package.json"), npmInit);
    const refused = await evc(fresh, "init");
    expect(refused).toEqual({
      code: 2,
      stdout: "",
      stderr:
        `evc: invalid argument "dir": an ES module package, but ${join(fresh, "package.json")} says "type": "commonjs"; the SDK evc generates is ES modules, and evc init does not change how a project loads its JavaScript: ` +
        'set "type": "module" in package.json (npm pkg set type=module) if nothing in the folder needs CommonJS, or run "evc init contracts" to start the contracts in a package of their own\n',
    });
    expect(readFileSync(join(fresh, "package.json"), "utf8")).toBe(npmInit);
    expect(readdirSync(fresh)).toEqual(["package.json"]);

    const inside = await evc(fresh, "init", "contracts");
    expect(inside.code).toBe(0);
    expect(inside.stdout).toContain("created package.json (type, scripts, exports, @evc/runtime, @evc/cli, typescript, @types/node)\n");
    expect(packageJson(join(fresh, "contracts"))).toMatchObject({ type: "module" });
    expect(readFileSync(join(fresh, "package.json"), "utf8")).toBe(npmInit);
  });

  test('sets "type": "module" only where no .js file would load otherwise, and says so; a package with CommonJS code and no type is refused', async () => {
    const empty = folder();
    writeFileSync(join(empty, "package.json"), JSON.stringify({ name: "empty", main: "index.js" }));
    expect((await evc(empty, "init")).stdout).toContain("updated package.json (type, scripts, exports, main removed, @evc/runtime, @evc/cli, typescript, @types/node)\n");
    expect(packageJson(empty)["type"]).toBe("module");
    expect(packageJson(empty)).not.toHaveProperty("main");

    const legacy = folder();
    writeFileSync(join(legacy, "package.json"), JSON.stringify({ name: "legacy" }));
    writeFileSync(join(legacy, "index.js"), "module.exports = 1;\n");
    const refused = await evc(legacy, "init");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${join(legacy, "package.json")} names no "type" and the folder holds .js files, which "type": "module" would load otherwise;`);
    expect(packageJson(legacy)).toEqual({ name: "legacy" });
    expect(readdirSync(legacy).sort()).toEqual(["index.js", "package.json"]);
  });
});

describe("the tool never loads generated code to start", () => {
  test("a conflicted generated file breaks neither --help nor generate, and generate rebuilds a deleted SDK", async () => {
    const dir = folder();
    await evc(dir, "init");
    symlinkSync(join(import.meta.dirname, "../../node_modules"), join(dir, "node_modules"), "dir");
    expect(await evc(dir, "generate")).toMatchObject({ code: 0 });
    const index = join(dir, "generated/index.ts");
    const lines = readFileSync(index, "utf8").split("\n");
    writeFileSync(index, [...lines.slice(0, 6), "<<<<<<< HEAD", "export const broken = ;", "=======", ">>>>>>> other", ...lines.slice(6)].join("\n"));
    expect(await evc(dir, "--help")).toMatchObject({ code: 0 });
    expect(await evc(dir, "check")).toMatchObject({ code: 1 });
    expect(await evc(dir, "generate")).toMatchObject({ code: 0 });
    expect(readFileSync(index, "utf8")).not.toContain("<<<<<<<");
    rmSync(join(dir, "generated"), { recursive: true });
    expect(await evc(dir, "generate")).toMatchObject({ code: 0 });
    expect(existsSync(index)).toBe(true);
  });

  test("scaffolds the same envelope as this repository's specs use", () => {
    const template = readFileSync(join(import.meta.dirname, "../../generator/init/templates/asyncapi/common/envelope.yaml"), "utf8");
    expect(template).toBe(readFileSync(join(import.meta.dirname, "../../asyncapi/common/envelope.yaml"), "utf8"));
  });
});

describe("evc --version and --help", () => {
  test("print the version and every command without loading any command module", async () => {
    const version = await evc(process.cwd(), "--version");
    expect(version.stdout).toBe(`${(JSON.parse(readFileSync(join(import.meta.dirname, "../../generator/package.json"), "utf8")) as { version: string }).version}\n`);
    const help = await evc(process.cwd(), "--help");
    for (const command of ["init", "generate", "check", "list", "diff", "compat", "publish", "tail", "dlq"]) expect(help.stdout).toMatch(new RegExp(`\\n  ${command} `));
  });
});
