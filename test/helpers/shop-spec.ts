import { cpSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { specWorkspace, type SpecWorkspace } from "./spec-workspace.js";

/** The shop fixture, copied into a workspace, with one edit applied to shop.yaml. */
export function shopWith(edit: (spec: string) => string): SpecWorkspace {
  const ws = specWorkspace();
  cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop"), join(ws.dir, "specs"), { recursive: true });
  ws.write("specs/shop.yaml", edit(ws.read("specs/shop.yaml")));
  return ws;
}

/** The error lines of `evc generate` in the workspace, which must fail. */
export async function errorsOf(ws: SpecWorkspace): Promise<string[]> {
  const { code, stderr } = await ws.evc("generate", "--specs", "specs");
  expect(code).toBe(1);
  return stderr.split("\n").filter((line) => line.includes(": error: "));
}

/** The line of the first occurrence of `text` (after `after`) in the workspace's shop.yaml. */
export function lineOf(ws: SpecWorkspace, text: string, after = ""): number {
  const spec = ws.read("specs/shop.yaml");
  return spec.slice(0, spec.indexOf(text, spec.indexOf(after))).split("\n").length;
}
