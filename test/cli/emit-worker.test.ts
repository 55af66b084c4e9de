/**
 * The compiled `evc generate` and `evc check` emit the files that need Modelina's models or ts-morph
 * in a worker thread (`WorkerSdkEmitter`): what they write is what `generate()` writes emitting in its
 * own thread, a spec error ends them at once with its diagnostics, an error thrown while emitting comes
 * back as that error, and a worker that cannot run fails the emit naming the worker.
 */
import { execFile } from "node:child_process";
import { cpSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { generate } from "../../generator/index.js";
import type { Layout } from "../../generator/emit/layout.js";
import type { ContractModel } from "../../generator/model.js";
import { EmitWorkerError, WorkerSdkEmitter } from "../../generator/emit/worker-emitter.js";
import { folderFiles } from "../helpers/folder-files.js";
import { shopUpcaster, shopWorkspace, specWorkspace, type SpecWorkspace } from "../helpers/spec-workspace.js";

const run = promisify(execFile);
const repository = resolve(import.meta.dirname, "../..");
const evcBin = join(repository, "generator/bin/evc.js");

/** Run the compiled `evc` in a workspace, as a process of its own; never rejects. */
async function compiledEvc(ws: SpecWorkspace, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env["PATH"], EVC_CACHE_DIR: join(ws.dir, ".evc-cache") };
  return run(process.execPath, [evcBin, ...args], { cwd: ws.dir, env, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
  );
}

/** Generate a workspace's specs with the compiled CLI (worker) into `cli/`, and with `generate()` (this thread) into `api/`; returns both folders' files. */
async function bothWays(ws: SpecWorkspace): Promise<{ cli: Record<string, string>; api: Record<string, string> }> {
  const generated = await compiledEvc(ws, "generate", "--specs", "specs", "--out", "cli", "--no-cache");
  expect(generated.stdout).toContain("wrote cli/index.ts");
  await generate({ specs: "specs", cwd: ws.dir, out: "api" });
  return { cli: folderFiles(join(ws.dir, "cli")), api: folderFiles(join(ws.dir, "api")) };
}

/** A model of no events, and where its files would go. */
const emptyModel: ContractModel = { systems: [], events: [] };
const layout: Layout = { outDir: join(repository, "generated"), upcastersDir: join(repository, "upcasters"), runtime: "@evc/runtime/codegen" };

/** A worker that takes the model and never answers. */
const idleWorker = new URL(`data:text/javascript,${encodeURIComponent('import { parentPort } from "node:worker_threads"; parentPort.once("message", () => {});')}`);

const invalidSpec = `asyncapi: 3.0.0
info: { title: Broken, version: 1.0.0 }
channels:
  placed:
    address: order.placed
    messages:
      OrderPlaced:
        name: order.placed
        payload: { type: nope }
`;

describe("the SDK emitted in a worker thread by the compiled CLI", () => {
  test("the compiled generate writes what generate() writes emitting in its own thread (the shop fixture)", async () => {
    using ws = shopWorkspace();
    const { cli, api } = await bothWays(ws);
    expect(Object.keys(cli).length).toBeGreaterThan(5);
    expect(cli).toEqual(api);
  }, 120_000);

  test("the compiled generate writes what generate() writes emitting in its own thread (the repository's specs), and the compiled check finds it in sync", async () => {
    using ws = specWorkspace();
    cpSync(join(repository, "asyncapi"), join(ws.dir, "specs"), { recursive: true });
    cpSync(join(repository, "upcasters"), join(ws.dir, "upcasters"), { recursive: true });
    const { cli, api } = await bothWays(ws);
    expect(Object.keys(cli).length).toBeGreaterThan(100);
    expect(cli).toEqual(api);
    // The upcasters import the generated types from the folder generated last.
    const checked = await compiledEvc(ws, "check", "--specs", "specs", "--out", "api", "--no-cache");
    expect(checked.stderr).toBe("");
    expect(checked.stdout).toContain("api is in sync with specs\n");
  }, 180_000);

  test("the compiled check runs the hand-written upcasters on the examples in its worker, and reports what the CLI emitting in its own thread reports", async () => {
    using ws = shopWorkspace();
    await compiledEvc(ws, "generate", "--specs", "specs", "--no-cache");
    const stub = ws.read(shopUpcaster);
    const line = stub.split("\n").findIndex((text) => text.includes("export function upcastOrderPlacedV2ToV3")) + 1;
    const total = "total: { cents: event.data.amount, currency: event.data.currency }";
    const bodies = {
      "into an invalid v3: /data/total/cents must be integer (evc-upcast-invalid)": `  return { ...event, version: 3, data: { orderId: event.data.orderId, ${total.replace("event.data.amount", "String(event.data.amount)")} } };`,
      "throws on the v2 example of \"order.placed\": no currency (evc-upcast-throws)": '  throw new RangeError("no currency");',
      "into a value that is not data: it holds a function, a symbol or another value no event can carry (evc-upcast-invalid)": `  return { ...event, version: 3, data: { orderId: event.data.orderId, ${total}, audit: () => "who" } };`,
    };
    for (const [finding, body] of Object.entries(bodies)) {
      ws.write(shopUpcaster, stub.replace(/  throw new Error\(.*\);/, body));
      const inWorker = await compiledEvc(ws, "check", "--specs", "specs", "--no-cache");
      expect(inWorker.code).toBe(1);
      expect(inWorker.stderr).toContain(`${shopUpcaster}:${line}:1: error: upcastOrderPlacedV2ToV3 `);
      expect(inWorker.stderr).toContain(finding);
      const here = await ws.evc("check", "--specs", "specs", "--no-cache");
      expect(here).toMatchObject({ code: 1, stderr: inWorker.stderr });
    }
  }, 120_000);

  test("an invalid spec: the compiled generate exits 1 with the file:line:col diagnostic, its worker not keeping it alive", async () => {
    using ws = specWorkspace({ "specs/orders.yaml": invalidSpec });
    const { code, stderr } = await compiledEvc(ws, "generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^specs\/orders\.yaml:9:\d+: error: .*\(asyncapi-document-resolved\)$/m);
    expect(stderr).toContain("generated left unchanged");
    expect(ws.exists("generated")).toBe(false);
  }, 60_000);

  test("an error thrown while emitting in the worker comes back with the class and message it has in this thread, the worker as its cause", async () => {
    using ws = shopWorkspace();
    const { stdout } = await run(process.execPath, [join(repository, "test/fixtures/emit-failure.mjs")], { cwd: ws.dir, env: { PATH: process.env["PATH"] } });
    const { here, inWorker } = JSON.parse(stdout) as Record<"here" | "inWorker", { class: string; name: string; message: string; cause?: { name: string; message: string } }>;
    expect(here.class).toBe("TypeError");
    expect({ class: inWorker.class, name: inWorker.name, message: inWorker.message }).toEqual({ class: here.class, name: here.name, message: here.message });
    expect(inWorker.cause?.name).toBe("EmitWorkerError");
    expect(inWorker.cause?.message).toMatch(/^the SDK emit worker \(.*emit-worker\.js\) threw this while emitting the files$/);
  }, 60_000);

  test("a worker whose module cannot load fails the emit with an EmitWorkerError naming the module", async () => {
    const missing = new URL("./no-such-emit-worker.js", import.meta.url);
    using emitter = new WorkerSdkEmitter({ module: missing });
    const failure = emitter.emit(emptyModel, layout, repository);
    await expect(failure).rejects.toThrow(EmitWorkerError);
    await expect(failure).rejects.toThrow(/^the SDK emit worker \(.*no-such-emit-worker\.js\) failed: /);
  });

  test("a worker that exits without answering fails the emit, naming its exit code", async () => {
    using emitter = new WorkerSdkEmitter({ module: new URL(`data:text/javascript,${encodeURIComponent('import { parentPort } from "node:worker_threads"; parentPort.once("message", () => process.exit(3));')}`) });
    await expect(emitter.emit(emptyModel, layout, repository)).rejects.toThrow(/^the SDK emit worker \(data:.*\) stopped \(exit code 3\) before it emitted the files$/);
  });

  test("a closed emitter, or one asked twice, fails the emit", async () => {
    const closed = new WorkerSdkEmitter({ module: idleWorker });
    const pending = closed.emit(emptyModel, layout, repository);
    closed[Symbol.dispose]();
    await expect(pending).rejects.toThrow(/was closed before it emitted the files$/);
    await expect(closed.emit(emptyModel, layout, repository)).rejects.toThrow(/emits one run only/);
  });

  test("a model that cannot be cloned fails the emit, naming the worker", async () => {
    using emitter = new WorkerSdkEmitter({ module: idleWorker });
    const unclonable = { systems: [], events: [{ className: "X", namedSchema: { default: () => 1 } }] } as unknown as ContractModel;
    await expect(emitter.emit(unclonable, layout, repository)).rejects.toThrow(/^the SDK emit worker \(data:.*\) cannot be sent the model: /);
  });
});
