/**
 * What the compiled `evc` loads, in every thread: `generate` runs Modelina's bundle (built by the tool's
 * build, see generator/scripts/bundle-modelina.ts) in its emit worker, and none of the packages only
 * Modelina's other input processors need, nor the runtime's NATS client; `--help` loads none of the
 * heavy packages at all, and starts no worker.
 * The sources' tests run Modelina itself, so the bundle is compared with it on the repository's specs.
 */
import { execFile } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { specWorkspace, type SpecWorkspace } from "../helpers/spec-workspace.js";

const run = promisify(execFile);
const repository = resolve(import.meta.dirname, "../..");
const evcBin = join(repository, "generator/bin/evc.js");
const recorder = join(repository, "test/fixtures/record-loaded-modules.cjs");
const bundle = join(repository, "generator/dist/emit/modelina.js");
const emitWorker = join(repository, "generator/dist/emit/emit-worker.js");

/** Packages the bundle leaves out (Modelina's other input processors), and Modelina itself, which the bundle replaces. */
const leftOut = ["@asyncapi/modelina", "@asyncapi/multi-parser", "typescript-json-schema", "typescript", "@apidevtools/swagger-parser", "fast-xml-parser"];

/** The NATS client and tracing API of the runtime's main entry, which the tool's generate and check do not need. */
const busPackages = ["@nats-io/nats-core", "@nats-io/jetstream", "@nats-io/kv", "@nats-io/transport-node", "@opentelemetry/api"];

/** Run the compiled `evc` in a workspace; returns the files of every module it loaded. */
async function loadedModules(ws: SpecWorkspace, ...args: string[]): Promise<string[]> {
  const record = join(ws.dir, "loaded-modules.txt");
  const env = { PATH: process.env["PATH"], EVC_CACHE_DIR: join(ws.dir, ".evc-cache"), RECORD_LOADED_MODULES: record };
  await run(process.execPath, ["--require", recorder, evcBin, ...args], { cwd: ws.dir, env, maxBuffer: 16 * 1024 * 1024 });
  return readFileSync(record, "utf8").split("\n").filter((line) => line !== "");
}

/** The packages below node_modules that loaded files belong to. */
function packagesOf(files: readonly string[]): Set<string> {
  const marker = `${sep}node_modules${sep}`;
  return new Set(
    files
      .filter((file) => file.includes(marker))
      .map((file) => {
        const parts = file.slice(file.lastIndexOf(marker) + marker.length).split(sep);
        return (parts[0]?.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
      }),
  );
}

/** A workspace holding a copy of the repository's specs in `specs/` and its hand-written upcasters. */
function repositorySpecs(): SpecWorkspace {
  const ws = specWorkspace();
  cpSync(join(repository, "asyncapi"), join(ws.dir, "specs"), { recursive: true });
  cpSync(join(repository, "upcasters"), join(ws.dir, "upcasters"), { recursive: true });
  return ws;
}

describe("modules the compiled evc loads", () => {
  test("generate runs Modelina's bundle in its emit worker, and loads neither the packages only its other input processors need nor the NATS client", async () => {
    using ws = repositorySpecs();
    const loaded = await loadedModules(ws, "generate", "--specs", "specs");
    const packages = packagesOf(loaded);
    expect(loaded).toContain(emitWorker);
    expect(loaded).toContain(bundle);
    expect(packages).toContain("@asyncapi/parser");
    expect([...leftOut, ...busPackages].filter((name) => packages.has(name))).toEqual([]);
  }, 120_000);

  test("--help loads neither the parser, ts-morph nor Modelina, and starts no emit worker", async () => {
    using ws = specWorkspace();
    const loaded = await loadedModules(ws, "--help");
    const packages = packagesOf(loaded);
    expect(packages).toContain("commander");
    expect(["@asyncapi/parser", "ts-morph", ...leftOut].filter((name) => packages.has(name))).toEqual([]);
    expect(loaded).not.toContain(bundle);
    expect(loaded).not.toContain(emitWorker);
  }, 60_000);

  test("the bundle generates what Modelina itself generates: the sources find the compiled tool's SDK in sync", async () => {
    using ws = repositorySpecs();
    await loadedModules(ws, "generate", "--specs", "specs");
    const checked = await ws.evc("check", "--specs", "specs", "--no-cache");
    expect(checked.stdout).toMatch(/^generated is in sync with specs\n/);
  }, 180_000);

  test("a left-out input processor throws, naming the package the bundle leaves out", async () => {
    const { TypeScriptGenerator } = (await import(pathToFileURL(bundle).href)) as typeof import("../../generator/emit/modelina.js");
    const generator = new TypeScriptGenerator();
    await expect(generator.generate({ swagger: "2.0", info: { title: "t", version: "1" }, paths: {} })).rejects.toThrow(/leaves out @apidevtools\/swagger-parser, which only Modelina's OpenAPI and Swagger input processor uses/);
    await expect(generator.generate("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"></xs:schema>")).rejects.toThrow(/leaves out fast-xml-parser/);
    // A document of the AsyncAPI parser (it has a json() method), which the emit worker does not load.
    await expect(generator.generate({ json: () => ({ asyncapi: "2.6.0" }) })).rejects.toThrow(/leaves out @asyncapi\/parser, which only Modelina's AsyncAPI input processor uses/);
  });
});
