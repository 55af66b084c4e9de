/**
 * Hand-written upcasters run on the examples, as declarative steps are (`evc-upcast-invalid` of
 * `rules.ts`): each written `upcast<Class>ToV<N>` of `upcasters/` is loaded (through tsx, as the
 * runtime commands load the generated registry) and given every example of the version before; a
 * result the next version's schema refuses, or an upcaster that throws, would dead-letter those
 * events at run time, and is reported at the function. A stub not written yet is left to the
 * emitter's findings; a module that cannot be loaded at all (it does not compile, it imports what is
 * not there) is a warning, which the compiler of the SDK's project will say more about.
 *
 * Two steps, which may run in two threads: the emitter runs the upcasters (`tryHandWrittenUpcasts`;
 * the CLI's emit worker does it while the main thread checks the rules), and the schema compiler
 * that checked the specs judges their outputs (`judgeUpcastTrials`).
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { formatIssues } from "@evc/runtime/errors";
import { isPlainObject } from "@evc/runtime/codegen";
import type { SchemaCompiler } from "./compile.js";
import type { SourceLocation, SpecDiagnostic } from "./diagnostics.js";
import { previousVersions, versionKey, type EventModel } from "./model.js";
import { upcasterName } from "./emit/event-file.js";
import { upcasterFile, type Layout } from "./emit/layout.js";
import { displayPath } from "./paths.js";

/** What one hand-written upcaster gave for one example of the version before: a finding already (it threw, its module does not load), or its output, for the schema of its version to judge. */
export type UpcastTrial =
  | { readonly finding: SpecDiagnostic }
  | { readonly type: string; readonly version: number; readonly label: string; readonly location: SourceLocation; readonly output: unknown };

/** Loads the hand-written upcasters' modules: tsx's loader, registered in a namespace of its own, so that removing it leaves other loaders be. */
export interface UpcasterLoader {
  import(file: string): Promise<Record<string, unknown>>;
  /** Remove the loader (a watch session registers one per run, not one more each time). */
  unregister(): Promise<void>;
}

/** Register a loader of the hand-written upcasters' modules; the thread waits while tsx's loader thread starts. */
export async function registerUpcasterLoader(): Promise<UpcasterLoader> {
  const { register } = await import("tsx/esm/api");
  const loader = register({ namespace: randomUUID() });
  return { import: (file) => loader.import(pathToFileURL(file).href, import.meta.url) as Promise<Record<string, unknown>>, unregister: () => loader.unregister() };
}

/**
 * Run every written hand-written upcaster of `events` on the examples of the version before; the
 * trials in the events' order. With a `loader` (which stays registered), its modules are loaded
 * with it; otherwise with a loader of this run's own, registered only when there is an upcaster to run.
 */
export async function tryHandWrittenUpcasts(events: readonly EventModel[], layout: Layout, cwd: string, loader?: Promise<UpcasterLoader>): Promise<UpcastTrial[]> {
  const previousOf = previousVersions(events);
  const withFunctions = events.filter((event) => event.upcast.kind === "function" && previousOf(event) !== undefined && existsSync(upcasterFile(layout, event)));
  if (withFunctions.length === 0) return [];
  if (loader !== undefined) return runOnExamples(withFunctions, previousOf, layout, cwd, await loader);
  const own = await registerUpcasterLoader();
  try {
    return await runOnExamples(withFunctions, previousOf, layout, cwd, own);
  } finally {
    await own.unregister();
  }
}

/** The trials judged, in their order: an output the schema of its version refuses is an `evc-upcast-invalid` error at the function. */
export function judgeUpcastTrials(trials: readonly UpcastTrial[], events: readonly EventModel[], compiler: SchemaCompiler): SpecDiagnostic[] {
  const byVersion = new Map(events.map((event) => [versionKey(event), event]));
  return trials.flatMap((trial): SpecDiagnostic[] => {
    if ("finding" in trial) return [trial.finding];
    const event = byVersion.get(versionKey(trial));
    if (event === undefined) return [];
    const validate = compiler.compile(event);
    return validate(trial.output) ? [] : [{ severity: "error", code: "evc-upcast-invalid", message: `${trial.label} into an invalid v${event.version}: ${formatIssues(validate.errors ?? [])}`, location: trial.location }];
  });
}

async function runOnExamples(
  withFunctions: readonly EventModel[],
  previousOf: (event: EventModel) => EventModel | undefined,
  layout: Layout,
  cwd: string,
  loader: UpcasterLoader,
): Promise<UpcastTrial[]> {
  const trials: UpcastTrial[] = [];
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  for (const event of withFunctions) {
    const previous = previousOf(event) as EventModel;
    const file = upcasterFile(layout, event);
    const name = upcasterName(event);
    const location = functionLocation(file, name, cwd);
    let loading = modules.get(file);
    if (loading === undefined) {
      loading = loader.import(file);
      modules.set(file, loading);
    }
    let upcast: unknown;
    try {
      upcast = (await loading)[name];
    } catch (error) {
      if (modules.get(file) === loading) trials.push({ finding: { severity: "warning", code: "evc-upcaster-unloadable", message: `cannot load ${location.file} to run its upcasters on the examples: ${(error as Error).message}`, location } });
      modules.set(file, Promise.resolve({}));
      continue;
    }
    if (typeof upcast !== "function") continue;
    for (const example of previous.examples) {
      if (!isPlainObject(example.payload)) continue;
      const which = `the v${previous.version} example${example.name === undefined ? "" : ` "${example.name}"`} of "${event.type}"`;
      const label = `${name} turns ${which}`;
      let output: unknown;
      try {
        output = (upcast as (event: unknown) => unknown)(structuredClone(example.payload));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // The stub the generator wrote: the emitter reports it as not written yet.
        if (message.includes(" is not written yet: ")) break;
        trials.push({ finding: { severity: "error", code: "evc-upcast-throws", message: `${name} throws on ${which}: ${message}`, location } });
        continue;
      }
      trials.push(dataTrial(event, label, location, output));
    }
  }
  return trials;
}

/**
 * A trial of an output, cloned: it crosses to the thread that judges it, and an event is data. An
 * output that cannot be cloned (it holds a function or a symbol) is an `evc-upcast-invalid` error;
 * the clone's message, which may quote the function's source, is left out.
 */
function dataTrial(event: EventModel, label: string, location: SourceLocation, output: unknown): UpcastTrial {
  try {
    return { type: event.type, version: event.version, label, location, output: structuredClone(output) };
  } catch {
    return { finding: { severity: "error", code: "evc-upcast-invalid", message: `${label} into a value that is not data: it holds a function, a symbol or another value no event can carry`, location } };
  }
}

/** The line where `function <name>` is declared in a file (as the emitter's findings place a function); its first line when it is not found. */
function functionLocation(file: string, name: string, cwd: string): SourceLocation {
  const line = readFileSync(file, "utf8")
    .split("\n")
    .findIndex((text) => new RegExp(`\\bfunction\\s+${name}\\b`).test(text));
  return { file: displayPath(cwd, file), line: Math.max(line, 0) + 1, column: 1 };
}
