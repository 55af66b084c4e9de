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

const ajvExport = /^export const (\w+) = (\w+);$/gm;
const schemaConstant = /^const (schema\d+) = .*;\n/gm;
const schemaName = /\bschema\d+\b/g;

/** The name of an event's validator in its system's validators module. */
export function validatorName(event: EventModel): string {
  return `validate${event.className}`;
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

/**
 * ajv's standalone code declares the schema of every function it compiles (`const schema6 = {...}`),
 * used or not; a schema whose name appears nowhere else is dropped, which leaves the code the same.
 * The code must have been generated with ajv's `code.lines`, one declaration a line.
 */
export function withoutUnusedSchemas(code: string): string {
  const uses = new Map<string, number>();
  for (const [name] of code.matchAll(schemaName)) uses.set(name, (uses.get(name) ?? 0) + 1);
  return code.replace(schemaConstant, (line: string, name: string) => (uses.get(name) === 1 ? "" : line));
}
