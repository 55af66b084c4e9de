/**
 * The packages as users get them: `npm pack` tarballs installed into empty projects outside the
 * repository, never the workspace. A contracts repository is started with `evc init`, generated,
 * compiled with plain `tsc` (nodenext, then bundler resolution) and run with plain `node` on Node 20
 * and Node 22 against a real nats-server; the runtime alone is installed to measure its footprint.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startNatsServer, type NatsServer } from "@evc/runtime/testing";

const run = promisify(execFile);
const repository = resolve(import.meta.dirname, "../..");
const consumerFixture = join(repository, "test/fixtures/consumer-project");
const typescriptVersion = (JSON.parse(readFileSync(join(repository, "node_modules/typescript/package.json"), "utf8")) as { version: string }).version;

let scratch: string;
let tarballs: { runtime: string; tool: string };
let server: NatsServer;

/** Run a command; on failure, throw with everything it printed. */
async function sh(cwd: string, command: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", NODE_OPTIONS: "" }, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${failed.stdout ?? ""}\n${failed.stderr ?? failed.message}`);
  }
}

/** Packages and bytes under a node_modules folder. */
function footprint(nodeModules: string): { packages: number; megabytes: number } {
  let packages = 0;
  let bytes = 0;
  const walk = (folder: string, depth: number): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (depth === 0 && entry.name.startsWith("@")) walk(path, -1);
        else {
          if (depth <= 0 && entry.name !== ".bin" && !entry.name.startsWith(".")) packages += 1;
          walk(path, 1);
        }
      } else bytes += statSync(path).size;
    }
  };
  walk(nodeModules, 0);
  return { packages, megabytes: bytes / 1024 / 1024 };
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "evc-packages-"));
  const packed = JSON.parse(await sh(repository, "npm", "pack", "--workspace=runtime", "--workspace=generator", "--pack-destination", scratch, "--json")) as { name: string; filename: string }[];
  const file = (name: string) => join(scratch, packed.find((entry) => entry.name === name)?.filename ?? `missing ${name}`);
  tarballs = { runtime: file("@evc/runtime"), tool: file("@evc/cli") };
  server = await startNatsServer();
}, 300_000);

afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("packed tarballs in a fresh project", () => {
  test("evc init, generate, tsc (nodenext and bundler) and plain node on Node 20 and 22: one event published and handled", async () => {
    const project = join(scratch, "orders");
    cpSync(consumerFixture, project, { recursive: true });
    await sh(project, "npm", "init", "-y");
    await sh(project, "npm", "pkg", "set", "type=module");
    await sh(project, "npm", "install", tarballs.runtime, tarballs.tool, `typescript@${typescriptVersion}`, "@types/node@20");
    // The tool runs its bundle of Modelina: neither Modelina nor what only its unused input processors load is installed.
    expect(["@asyncapi/modelina", "@asyncapi/multi-parser", "typescript-json-schema"].filter((name) => existsSync(join(project, "node_modules", name)))).toEqual([]);
    expect(await sh(project, "npx", "evc", "--version")).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(await sh(project, "npx", "evc", "init")).toContain("created evc.config.yaml");
    expect(await sh(project, "npx", "evc", "generate")).toMatch(/1 event version of 1 system: /);
    expect(readFileSync(join(project, "generated/orders/order-placed.v1.ts"), "utf8")).toContain('from "@evc/runtime/codegen"');
    expect(readFileSync(join(project, "generated/orders/order-placed.v1.ts"), "utf8")).not.toContain(repository);

    writeFileSync(join(project, "tsconfig.json"), readFileSync(join(project, "tsconfig.json"), "utf8").replace('"skipLibCheck": true', '"skipLibCheck": false'));
    await sh(project, "npx", "tsc", "-p", "tsconfig.json");
    await sh(project, "npx", "tsc", "-p", "tsconfig.bundler.json");
    expect(readdirSync(join(project, "dist/generated/orders")).sort()).toEqual(expect.arrayContaining(["order-placed.v1.js"]));
    expect(readdirSync(join(project, "dist/generated"))).toContain("validators.js");

    const on20 = JSON.parse(await sh(project, process.execPath, "dist/src/service.js", server.url)) as Record<string, unknown>;
    expect(on20).toMatchObject({ type: "order.placed", version: 1, total: 42.5 });
    expect(on20["received"]).toBe(on20["published"]);
    expect(String(on20["node"])).toMatch(/^20\./);

    const on22 = JSON.parse(await sh(project, "npx", "-y", "-p", "node@22", "node", "dist/src/service.js", server.url)) as Record<string, unknown>;
    expect(on22).toMatchObject({ type: "order.placed", version: 1, total: 42.5 });
    expect(String(on22["node"])).toMatch(/^22\./);

    // On Node 22, evc keeps V8's compile cache in the OS temp folder (run without npx, which could keep one of its own).
    const node22 = (await sh(project, "npx", "-y", "-p", "node@22", "node", "-p", "process.execPath")).trim();
    const temp = join(scratch, "temp");
    mkdirSync(temp);
    await sh(project, "env", `TMPDIR=${temp}`, node22, "node_modules/@evc/cli/bin/evc.js", "--version");
    expect(readdirSync(join(temp, "node-compile-cache")).length).toBeGreaterThan(0);

    // Its emit worker turns the cache on too: after a generate, the cache holds every module an import of ts-morph (the TypeScript compiler) caches.
    const cacheEntries = async (name: string, ...command: string[]) => {
      const folder = join(scratch, name);
      mkdirSync(folder);
      await sh(project, "env", `TMPDIR=${folder}`, node22, ...command);
      return new Set(readdirSync(join(folder, "node-compile-cache"), { recursive: true, encoding: "utf8" }).map((path) => basename(path)));
    };
    const generated = await cacheEntries("temp-generate", "node_modules/@evc/cli/bin/evc.js", "generate", "--no-cache");
    const bare = await cacheEntries("temp-bare", "-e", "require('node:module').enableCompileCache()");
    const withTsMorph = await cacheEntries("temp-ts-morph", "-e", "require('node:module').enableCompileCache(); require(require.resolve('ts-morph', { paths: [require.resolve('@evc/cli/package.json')] }))");
    const tsMorphEntries = [...withTsMorph].filter((entry) => !bare.has(entry));
    expect(tsMorphEntries.length).toBeGreaterThan(10);
    expect(tsMorphEntries.filter((entry) => !generated.has(entry))).toEqual([]);
  }, 600_000);

  test("the runtime alone installs at most 25 packages and 20 MB", async () => {
    const project = join(scratch, "service");
    cpSync(join(consumerFixture, "src"), join(project, "src"), { recursive: true });
    await sh(project, "npm", "init", "-y");
    await sh(project, "npm", "install", tarballs.runtime);
    const { packages, megabytes } = footprint(join(project, "node_modules"));
    console.log(`runtime alone: ${packages} packages, ${megabytes.toFixed(1)} MB in node_modules`);
    expect(packages).toBeLessThanOrEqual(25);
    expect(megabytes).toBeLessThanOrEqual(20);
  }, 300_000);
});
