/**
 * The generator's time on the specs of `asyncapi/` and on a synthetic spec of 1,000 event versions,
 * beside Modelina's own time on the same payload schemas (Modelina alone, plain, no presets); and
 * the edit loop as a person meets it, whole processes of the compiled `evc`: its start-up beside
 * `node -e 0`, `evc generate` and `evc check` on unchanged specs beside the same runs in full, and a
 * full generation beside a process that only parses the same specs with `@asyncapi/parser` as it
 * comes (`plain-parse.mjs`).
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TypeScriptGenerator } from "@asyncapi/modelina";
import { generate, loadContracts } from "@evc/cli";
import { middle, ratio } from "./figures.js";
import { syntheticSpec } from "./synthetic-spec.js";

/** Figures of one generator measurement, in milliseconds. */
export interface GeneratorFigures {
  readonly eventVersions: number;
  /** `evc generate` from specs to written files, in process, the median of the full generations into empty folders after the first (as `evc generate --watch` regenerates). */
  readonly generateMs: number;
  /** The first full generation of the process, which also loads the emitters (Modelina, the TypeScript printer). */
  readonly firstGenerateMs: number;
  /** Reading and checking the specs (parser, model, rules), the first time in the process. */
  readonly loadMs: number;
  /** Modelina alone, plain options, over the same payload schemas. */
  readonly modelinaMs: number;
}

/** Measure the generator on a spec file or folder: a first full generation, then `warmRounds` more. */
export async function benchGenerator(specs: string, warmRounds = 5): Promise<GeneratorFigures> {
  const workspace = mkdtempSync(join(tmpdir(), "evc-bench-"));
  try {
    symlinkSync(resolve("node_modules"), join(workspace, "node_modules"), "dir");
    let started = performance.now();
    const loaded = await loadContracts({ specs: resolve(specs), cwd: workspace, allowRemoteRefs: false });
    const loadMs = performance.now() - started;
    const generations: number[] = [];
    for (let round = 0; round <= warmRounds; round++) {
      started = performance.now();
      await generate({ specs: resolve(specs), out: `generated-${round}`, upcasters: `upcasters-${round}`, cwd: workspace });
      generations.push(performance.now() - started);
    }
    const [firstGenerateMs = 0, ...warm] = generations;
    const modelina = new TypeScriptGenerator({ modelType: "class" });
    started = performance.now();
    for (const event of loaded.model.events) await modelina.generate(structuredClone(event.schema) as object);
    const modelinaMs = performance.now() - started;
    return {
      eventVersions: loaded.model.events.length,
      generateMs: Math.round(middle(warm)),
      firstGenerateMs: Math.round(firstGenerateMs),
      loadMs: Math.round(loadMs),
      modelinaMs: Math.round(modelinaMs),
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** Measure the generator on a synthetic spec of `types` × `versions` event versions. */
export async function benchSynthetic(types: number, versions: number): Promise<GeneratorFigures> {
  const folder = mkdtempSync(join(tmpdir(), "evc-synthetic-"));
  try {
    writeFileSync(join(folder, "synthetic.yaml"), syntheticSpec(types, versions));
    return await benchGenerator(folder, 1);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A time beside the yardstick measured in the same run, in milliseconds. */
export interface Comparison {
  readonly ms: number;
  readonly yardstickMs: number;
  /** `ms / yardstickMs`. */
  readonly ratio: number;
}

/** The edit loop's figures: whole processes, the median of a few runs each. */
export interface EditLoopFigures {
  /** `evc --help` beside `node -e 0`. */
  readonly startup: { readonly evc: number; readonly evcVersion: number; readonly node: number; readonly ratio: number };
  /** `evc generate` on unchanged specs (served from the run cache) beside `evc generate --no-cache`. */
  readonly generateUnchanged: Comparison;
  /** `evc check` on unchanged specs beside `evc check --no-cache`. */
  readonly checkUnchanged: Comparison;
  /** `evc generate --no-cache` beside a new process that only parses the same specs with `@asyncapi/parser`, its own rulesets on. */
  readonly fullGenerate: Comparison;
}

/** The figures of `evc generate --watch`: milliseconds from a save to the end of the run it starts. */
export interface WatchFigures {
  /** An edit that changes no payload schema (the description of a spec). */
  readonly specEditMs: number;
  /** An edit of a payload schema (the description of a field), whose validators are compiled again. */
  readonly schemaEditMs: number;
}

/** The edits the watch is timed on, in `asyncapi/kubegram.yaml`: the text replaced, and what it is replaced by in edit `n`. */
const watchEdits = {
  specEditMs: ["description: Every event of Kubegram.", (n: number) => `description: Every event of Kubegram (edit ${n}).`],
  schemaEditMs: ["description: Sampling temperature.", (n: number) => `description: Sampling temperature (edit ${n}).`],
} as const;

/**
 * `evc generate --watch` on a copy of this repository's specs: from the save of an edited description
 * in one spec to the end of the run it starts (the watch's 100 ms settling pause included), the median
 * of `edits` edits of each kind; `evc` must be built.
 */
export async function benchWatch(edits = 5): Promise<WatchFigures> {
  const workspace = mkdtempSync(join(tmpdir(), "evc-watch-"));
  for (const entry of ["asyncapi", "upcasters", "evc.config.yaml", "evc.lock.yaml"]) cpSync(entry, join(workspace, entry), { recursive: true });
  symlinkSync(resolve("node_modules"), join(workspace, "node_modules"), "dir");
  const child = spawn(process.execPath, [resolve("generator/bin/evc.js"), "generate", "--watch"], { cwd: workspace, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, EVC_CACHE_DIR: join(workspace, ".cache") } });
  let runs = 0;
  let ended: () => void = () => {};
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    runs += (chunk.match(/for changes \(Ctrl-C to stop\)/g) ?? []).length;
    ended();
  });
  const runEnded = (count: number) =>
    new Promise<void>((resolve) => {
      ended = () => {
        if (runs >= count) resolve();
      };
    });
  try {
    await runEnded(1);
    const spec = join(workspace, "asyncapi/kubegram.yaml");
    const original = readFileSync(spec, "utf8");
    const timed = async ([text, edited]: (typeof watchEdits)[keyof typeof watchEdits]) => {
      if (!original.includes(text)) throw new Error(`benchWatch: asyncapi/kubegram.yaml no longer holds "${text}"`);
      const times: number[] = [];
      for (let edit = 1; edit <= edits; edit++) {
        const next = runEnded(runs + 1);
        const started = performance.now();
        writeFileSync(spec, original.replace(text, edited(edit)));
        await next;
        times.push(performance.now() - started);
      }
      return Math.round(middle(times));
    };
    return { specEditMs: await timed(watchEdits.specEditMs), schemaEditMs: await timed(watchEdits.schemaEditMs) };
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** Measure the edit loop on this repository (its specs, SDK and lock): `evc` must be built. */
export function benchEditLoop(runs = 5): EditLoopFigures {
  const node = medianMs(runs, ["-e", "0"]);
  const evc = medianMs(runs, ["generator/bin/evc.js", "--help"]);
  const evcVersion = medianMs(runs, ["generator/bin/evc.js", "--version"]);
  const compare = (command: string): Comparison => {
    const yardstickMs = medianMs(3, ["generator/bin/evc.js", command, "--no-cache"]);
    medianMs(1, ["generator/bin/evc.js", command]);
    const ms = medianMs(runs, ["generator/bin/evc.js", command]);
    return { ms, yardstickMs, ratio: ratio(ms / yardstickMs) };
  };
  const generateUnchanged = compare("generate");
  const plainParseMs = medianMs(3, ["bench/plain-parse.mjs", "asyncapi"]);
  const fullGenerate = { ms: generateUnchanged.yardstickMs, yardstickMs: plainParseMs, ratio: ratio(generateUnchanged.yardstickMs / plainParseMs) };
  return { startup: { evc, evcVersion, node, ratio: ratio(evc / node) }, generateUnchanged, checkUnchanged: compare("check"), fullGenerate };
}

/** The median wall time of `node <args>` as a whole process, in milliseconds. */
function medianMs(runs: number, args: readonly string[]): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    times.push(performance.now() - started);
  }
  return Math.round(middle(times));
}
