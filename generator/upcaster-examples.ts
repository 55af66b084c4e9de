/**
 * Hand-written upcasters run on the examples, as declarative steps are (`evc-upcast-invalid` of
 * `rules.ts`): each written `upcast<Class>ToV<N>` of `upcasters/` is loaded (through tsx, as the
 * runtime commands load the generated registry) and given every example of the version before; a
 * result the next version's schema refuses, or an upcaster that throws, would dead-letter those
 * events at run time, and is reported at the function. A stub not written yet is left to the
 * emitter's findings; a module that cannot be loaded at all (it does not compile, it imports what is
 * not there) is a warning, which the compiler of the SDK's project will say more about.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { formatIssues } from "@evc/runtime/errors";
import { isPlainObject } from "@evc/runtime/codegen";
import type { SchemaCompiler } from "./compile.js";
import type { SourceLocation, SpecDiagnostic } from "./diagnostics.js";
import { previousVersions, type EventModel } from "./model.js";
import { upcasterName } from "./emit/event-file.js";
import { upcasterFile, type Layout } from "./emit/layout.js";
import { displayPath } from "./output.js";

/** Run every written hand-written upcaster of `events` on the examples of the version before; what fails, at the function. */
export async function checkHandWrittenUpcasts(events: readonly EventModel[], compiler: SchemaCompiler, layout: Layout, cwd: string): Promise<SpecDiagnostic[]> {
  const previousOf = previousVersions(events);
  const withFunctions = events.filter((event) => event.upcast.kind === "function" && existsSync(upcasterFile(layout, event)));
  if (withFunctions.length === 0) return [];
  const { register } = await import("tsx/esm/api");
  // A loader of its own, removed after the run: a watch session registers one per run, not one more each time.
  const loader = register({ namespace: randomUUID() });
  try {
    return await runOnExamples(withFunctions, previousOf, compiler, layout, cwd, (file) => loader.import(pathToFileURL(file).href, import.meta.url) as Promise<Record<string, unknown>>);
  } finally {
    await loader.unregister();
  }
}

async function runOnExamples(
  withFunctions: readonly EventModel[],
  previousOf: (event: EventModel) => EventModel | undefined,
  compiler: SchemaCompiler,
  layout: Layout,
  cwd: string,
  load: (file: string) => Promise<Record<string, unknown>>,
): Promise<SpecDiagnostic[]> {
  const findings: SpecDiagnostic[] = [];
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  for (const event of withFunctions) {
    const previous = previousOf(event);
    if (previous === undefined) continue;
    const file = upcasterFile(layout, event);
    const name = upcasterName(event);
    const location = functionLocation(file, name, cwd);
    let loading = modules.get(file);
    if (loading === undefined) {
      loading = load(file);
      modules.set(file, loading);
    }
    let upcast: unknown;
    try {
      upcast = (await loading)[name];
    } catch (error) {
      if (modules.get(file) === loading) findings.push({ severity: "warning", code: "evc-upcaster-unloadable", message: `cannot load ${location.file} to run its upcasters on the examples: ${(error as Error).message}`, location });
      modules.set(file, Promise.resolve({}));
      continue;
    }
    if (typeof upcast !== "function") continue;
    const validate = compiler.compile(event);
    for (const example of previous.examples) {
      if (!isPlainObject(example.payload)) continue;
      const label = `${name} turns the v${previous.version} example${example.name === undefined ? "" : ` "${example.name}"`} of "${event.type}"`;
      let result: unknown;
      try {
        result = (upcast as (event: unknown) => unknown)(structuredClone(example.payload));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // The stub the generator wrote: the emitter reports it as not written yet.
        if (message.includes(" is not written yet: ")) break;
        findings.push({ severity: "error", code: "evc-upcast-throws", message: `${name} throws on the v${previous.version} example${example.name === undefined ? "" : ` "${example.name}"`} of "${event.type}": ${message}`, location });
        continue;
      }
      if (!validate(result)) findings.push({ severity: "error", code: "evc-upcast-invalid", message: `${label} into an invalid v${event.version}: ${formatIssues(validate.errors ?? [])}`, location });
    }
  }
  return findings;
}

/** The line where `function <name>` is declared in a file (as the emitter's findings place a function); its first line when it is not found. */
function functionLocation(file: string, name: string, cwd: string): SourceLocation {
  const line = readFileSync(file, "utf8")
    .split("\n")
    .findIndex((text) => new RegExp(`\\bfunction\\s+${name}\\b`).test(text));
  return { file: displayPath(cwd, file), line: Math.max(line, 0) + 1, column: 1 };
}
