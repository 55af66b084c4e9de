/**
 * Standalone ajv validators as TypeScript modules that `tsc` compiles along with the rest of the
 * SDK: one module for every event, compiled by one ajv instance, so that the schemas the events
 * share (the envelope, common components) are validated by one function each instead of a copy per
 * version. ajv's standalone output `require()`s its runtime helpers and formats even in ESM mode
 * (ajv#1976); the module gets that `require` from `@evc/runtime/codegen`, which resolves them from
 * the runtime's own dependencies, so a generated SDK depends on the runtime package alone. The
 * body is ajv's code unchanged, so it is not type-checked (`@ts-nocheck`); its exports are typed.
 */
import type { SchemaCompiler } from "../compile.js";
import type { EventModel } from "../model.js";
import { eventSchemaId, referencingSchema, type SharedSchemas } from "../shared-schemas.js";

const ajvExport = /^export const (\w+) = (\w+);$/gm;
const schemaConstant = /^const (schema\d+) = .*;\n/gm;

/** The name of an event's validator in its system's validators module. */
export function validatorName(event: EventModel): string {
  return `validate${event.className}`;
}

/** The `.ts` source of the validators of the events, importing the runtime helpers from `runtime`. */
export function validatorsModule(events: readonly EventModel[], shared: SharedSchemas, compiler: SchemaCompiler, runtime: string): string {
  const exports = new Map(events.map((event) => [validatorName(event), referencingSchema(event.schema, shared, eventSchemaId(event))]));
  const sharedSchemas = shared.list.map((schema) => referencingSchema(schema.schema, shared, schema.id));
  const body = withoutUnusedSchemas(compiler.standaloneModule(sharedSchemas, exports).replace(/^"use strict";\n?/, ""));
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
 */
function withoutUnusedSchemas(code: string): string {
  return code.replace(schemaConstant, (line: string, name: string) => (code.match(new RegExp(`\\b${name}\\b`, "g"))?.length === 1 ? "" : line));
}
