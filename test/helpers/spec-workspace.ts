import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { evcIn } from "./cli.js";

/** A temporary folder holding spec files, for generator tests; removed by `[Symbol.dispose]`. */
export interface SpecWorkspace extends Disposable {
  readonly dir: string;
  /** Write a file below the workspace. */
  write(path: string, text: string): void;
  /** Read a file below the workspace. */
  read(path: string): string;
  /** Whether a file exists below the workspace. */
  exists(path: string): boolean;
  /** Run `evc` in the workspace; returns the exit code and what it printed. */
  evc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Import a generated module (a path below the workspace). */
  load<T>(path: string): Promise<T>;
}

/** Rewrite a file of a workspace, failing the test when the change leaves it as it was (a stale search string). */
export function editFile(ws: SpecWorkspace, path: string, change: (text: string) => string): void {
  const before = ws.read(path);
  const after = change(before);
  if (after === before) throw new Error(`the edit left "${path}" unchanged`);
  ws.write(path, after);
}

/** Make a workspace, an ES module package that sees this project's node_modules, with the given files (path → text). */
export function specWorkspace(files: Readonly<Record<string, string>> = {}): SpecWorkspace {
  const dir = mkdtempSync(join(tmpdir(), "evc-spec-"));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write("package.json", '{ "type": "module" }\n');
  symlinkSync(join(import.meta.dirname, "../../node_modules"), join(dir, "node_modules"), "dir");
  for (const [path, text] of Object.entries(files)) write(path, text);
  return {
    dir,
    write,
    read: (path) => readFileSync(join(dir, path), "utf8"),
    exists: (path) => existsSync(join(dir, path)),
    // The run cache of `evc generate` and `evc check` stays in the workspace, not in the project's node_modules it links to.
    evc: (...args) => evcIn(dir, { EVC_CACHE_DIR: join(dir, ".evc-cache") }, ...args),
    load: async <T>(path: string) => (await import(pathToFileURL(join(dir, path)).href)) as T,
    [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A workspace holding the shop fixture's specs in `specs/`. */
export function shopWorkspace(): SpecWorkspace {
  const ws = specWorkspace();
  cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop"), join(ws.dir, "specs"), { recursive: true });
  return ws;
}

/** The shop fixture's hand-written v2 to v3 upcaster, which `evc generate` creates as a stub. */
export const shopUpcaster = "upcasters/shop/order-placed.ts";

/** Write the body of the shop's v2 to v3 upcaster stub, as its author would. */
export function writeShopUpcaster(ws: SpecWorkspace): void {
  ws.write(shopUpcaster, ws.read(shopUpcaster).replace(/  throw new Error\(.*\);/, "  return { ...event, version: 3, data: { orderId: event.data.orderId, total: { cents: event.data.amount, currency: event.data.currency } } };"));
}
