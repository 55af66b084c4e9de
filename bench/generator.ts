/**
 * The generator's time on the specs of `asyncapi/` and on a synthetic spec of 1,000 event versions,
 * beside Modelina's own time on the same payload schemas (Modelina alone, plain, no presets).
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TypeScriptGenerator } from "@asyncapi/modelina";
import { generate, loadContracts } from "@evc/cli";
import { syntheticSpec } from "./synthetic-spec.js";

/** Figures of one generator measurement, in milliseconds. */
export interface GeneratorFigures {
  readonly eventVersions: number;
  /** `evc generate` from specs to written files, in process. */
  readonly generateMs: number;
  /** Of which: reading and checking the specs (parser, model, rules). */
  readonly loadMs: number;
  /** Modelina alone, plain options, over the same payload schemas. */
  readonly modelinaMs: number;
}

/** Measure the generator on a spec file or folder. */
export async function benchGenerator(specs: string): Promise<GeneratorFigures> {
  const workspace = mkdtempSync(join(tmpdir(), "evc-bench-"));
  try {
    symlinkSync(resolve("node_modules"), join(workspace, "node_modules"), "dir");
    let started = performance.now();
    const loaded = await loadContracts({ specs: resolve(specs), cwd: workspace, allowRemoteRefs: false });
    const loadMs = performance.now() - started;
    started = performance.now();
    await generate({ specs: resolve(specs), out: "generated", upcasters: "upcasters", cwd: workspace });
    const generateMs = performance.now() - started;
    const modelina = new TypeScriptGenerator({ modelType: "class" });
    started = performance.now();
    for (const event of loaded.model.events) await modelina.generate(structuredClone(event.schema) as object);
    const modelinaMs = performance.now() - started;
    return { eventVersions: loaded.model.events.length, generateMs: Math.round(generateMs), loadMs: Math.round(loadMs), modelinaMs: Math.round(modelinaMs) };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** Measure the generator on a synthetic spec of `types` × `versions` event versions. */
export async function benchSynthetic(types: number, versions: number): Promise<GeneratorFigures> {
  const folder = mkdtempSync(join(tmpdir(), "evc-synthetic-"));
  try {
    writeFileSync(join(folder, "synthetic.yaml"), syntheticSpec(types, versions));
    return await benchGenerator(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
