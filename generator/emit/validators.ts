/**
 * Standalone ajv validators as TypeScript modules that `tsc` compiles along with the rest of the
 * SDK: one module for every event, written from the functions the compiler made for the checks (one
 * ajv instance), so that the schemas the events share (the envelope, common components) are
 * validated by one function each instead of a copy per version. ajv's standalone output `require()`s its runtime helpers and formats even in ESM mode
 * (ajv#1976); the module gets that `require` from `@evc/runtime/codegen`, which resolves them from
 * the runtime's own dependencies, so a generated SDK depends on the runtime package alone. The
 * body is ajv's code unchanged, so it is not type-checked (`@ts-nocheck`); its exports are typed.
 */
import type { SchemaCompiler } from "../compile.js";
import type { EventModel } from "../model.js";
import { runtimeImport, validatorsFile, type Layout } from "./layout.js";
import { preamble } from "./preamble.js";

const ajvExport = /^export const (\w+) = (\w+);$/gm;

/** The name of an event's validator in its system's validators module. */
export function validatorName(event: EventModel): string {
  return `validate${event.className}`;
}

/** The validators file of the SDK, by path relative to the output folder; none for a model without events. */
export function validatorsFiles(events: readonly EventModel[], compiler: SchemaCompiler, layout: Layout): Map<string, string> {
  if (events.length === 0) return new Map();
  return new Map([[validatorsFile, preamble("every spec (the validators of every event)") + validatorsModule(events, compiler, runtimeImport(layout, validatorsFile))]]);
}

/** The `.ts` source of the validators of the events, importing the runtime helpers from `runtime`. */
export function validatorsModule(events: readonly EventModel[], compiler: SchemaCompiler, runtime: string): string {
  const exports = new Map(events.map((event) => [validatorName(event), event]));
  const body = compiler.standaloneModule(exports).replace(/^"use strict";\n?/, "");
  const typed = body.replace(
    ajvExport,
    (_line: string, name: string, local: string) => `/** Validate a payload; on failure \`${name}.errors\` holds ajv's issues, with JSON paths. */\nexport const ${name}: ValidateFunction = ${local};`,
  );
  return [
    "// @ts-nocheck",
    `import { validatorRequire as require, type ValidateFunction } from ${JSON.stringify(runtime)};`,
    typed.trimEnd(),
    "",
  ].join("\n");
}
