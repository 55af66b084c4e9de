/**
 * The compatibility checker's speed on the contracts of `asyncapi/`: checks per second over every
 * pair of versions of a type and every version against itself, beside ajv compiling the same
 * schemas; and the time of `evc diff` over the whole folder against HEAD, in process and as a command.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { runCli } from "@evc/cli/cli";
import { checkCompatibility, forgetComparisons } from "@evc/cli/compat";
import { loadContracts } from "@evc/cli";
import type { JsonSchema } from "@evc/runtime/codegen";
import { ratio } from "./figures.js";

/** Figures of the compatibility benchmark. */
export interface CompatFigures {
  /** Ordered pairs checked per round: every version against itself and against every other version of its type. */
  readonly pairs: number;
  /**
   * BACKWARD checks per second, each round walking every pair anew: the differences of
   * `$ref`-free subschemas the checker keeps across checks are forgotten before each round
   * (`forgetComparisons`), so only what one check reuses within itself counts. The goal's figure.
   */
  readonly backwardChecksPerSecond: number;
  /**
   * The same over the pairs of two different versions only (`changedPairs` of them): a version
   * against itself is schemas written the same way, which the checker does not walk.
   */
  readonly changedBackwardChecksPerSecond: number;
  readonly changedPairs: number;
  /** The same rounds keeping what earlier checks compared, as a long-lived process (`evc studio`, `generate --watch`) checks again. */
  readonly reusedBackwardChecksPerSecond: number;
  /** The first round alone: every pair compared for the first time in the process, as one `evc check` compares them (one round, so noisy). */
  readonly firstBackwardChecksPerSecond: number;
  /** The goal of BACKWARD checks per second (issue 14), and the rate as a share of it. */
  readonly goal: number;
  readonly ratio: number;
  /** FULL walks both directions, so it costs about two BACKWARD checks; each round anew, as `backwardChecksPerSecond`. */
  readonly fullChecksPerSecond: number;
  /** ajv compiling the pairs' new schemas, for scale: how long reading a schema takes at all. */
  readonly ajvCompilesPerSecond: number;
  /** `evc diff --against HEAD` over the folder, in process (both revisions loaded, every contract compared). */
  readonly diffMs: number;
  /** The same as a command, node and tsx start-up included. */
  readonly diffCommandMs: number;
}

/** BACKWARD checks per second the checker should reach on `asyncapi/`. */
const backwardGoal = 10_000;

/** Measure the checker and `evc diff` on a specs folder of this repository. */
export async function benchCompat(specs: string): Promise<CompatFigures> {
  const { model } = await loadContracts({ specs: resolve(specs), cwd: process.cwd(), allowRemoteRefs: false });
  const pairs: [JsonSchema, JsonSchema][] = [];
  for (const old of model.events) {
    for (const next of model.events) if (old.type === next.type) pairs.push([old.schema, next.schema]);
  }
  const changed = pairs.filter(([old, next]) => old !== next);
  const rate = (work: (pair: [JsonSchema, JsonSchema]) => void, reuse = false, over = pairs) =>
    perSecond(() => {
      if (!reuse) forgetComparisons();
      over.forEach(work);
    }) * over.length;
  const checkBackward = ([old, next]: [JsonSchema, JsonSchema]) => checkCompatibility([old], next, { mode: "BACKWARD" });
  let started = performance.now();
  pairs.forEach(checkBackward);
  const firstBackward = pairs.length / ((performance.now() - started) / 1_000);
  const backward = rate(checkBackward);
  const changedBackward = rate(checkBackward, false, changed);
  const reusedBackward = rate(checkBackward, true);
  const full = rate(([old, next]) => checkCompatibility([old], next, { mode: "FULL" }));
  const ajv = rate(([, next]) => {
    const instance = new Ajv({ strict: false, logger: false });
    addFormats.default(instance);
    instance.compile(next as object);
  });
  started = performance.now();
  const code = await runCli(["diff", "--against", "HEAD", "--specs", specs], { stdout: () => {}, stderr: () => {}, cwd: process.cwd(), env: {} });
  if (code !== 0) throw new Error(`evc diff --against HEAD exited ${code}`);
  const diffMs = performance.now() - started;
  started = performance.now();
  execFileSync(process.execPath, ["generator/bin/evc.js", "diff", "--against", "HEAD", "--specs", specs], { stdio: "ignore" });
  const diffCommandMs = performance.now() - started;
  return {
    pairs: pairs.length,
    backwardChecksPerSecond: Math.round(backward),
    changedBackwardChecksPerSecond: Math.round(changedBackward),
    changedPairs: changed.length,
    reusedBackwardChecksPerSecond: Math.round(reusedBackward),
    firstBackwardChecksPerSecond: Math.round(firstBackward),
    goal: backwardGoal,
    ratio: ratio(backward / backwardGoal),
    fullChecksPerSecond: Math.round(full),
    ajvCompilesPerSecond: Math.round(ajv),
    diffMs: Math.round(diffMs),
    diffCommandMs: Math.round(diffCommandMs),
  };
}

/** How many times per second `round` runs, measured over at least a second after a warm-up round. */
function perSecond(round: () => void): number {
  round();
  let rounds = 0;
  const started = performance.now();
  while (performance.now() - started < 1_000) {
    round();
    rounds++;
  }
  return rounds / ((performance.now() - started) / 1_000);
}
