/**
 * Standalone ajv validators as TypeScript modules that `tsc` compiles along with the rest of the
 * SDK. ajv's standalone output `require()`s its runtime helpers and formats even in ESM mode
 * (ajv#1976); the module gets that `require` from `@evc/runtime/codegen`, which resolves them from
 * the runtime's own dependencies, so a generated SDK depends on the runtime package alone. The
 * body is ajv's code unchanged, so it is not type-checked (`@ts-nocheck`); its export is typed.
 */
import type { SchemaCompiler } from "../compile.js";
import type { EventModel } from "../model.js";

const ajvExports = /^export const validate = (\w+);\nexport default \1;\n/m;

/** The `.ts` source of an event's validator, importing the runtime helpers from `runtime`. */
export function validatorModule(event: EventModel, compiler: SchemaCompiler, runtime: string): string {
  const body = compiler.standalone(event.schema).replace(/^"use strict";\n?/, "");
  const exported = ajvExports.exec(body);
  if (exported === null) throw new Error(`ajv's standalone code of ${event.type} v${event.version} has no default export`);
  const specifier = JSON.stringify(runtime);
  return [
    "// @ts-nocheck",
    `import { validatorRequire as require, type ValidateFunction } from ${specifier};`,
    body.replace(ajvExports, "").trimEnd(),
    "",
    "/** Validate a payload; on failure `validate.errors` holds ajv's issues, with JSON paths. */",
    `const validate: ValidateFunction = ${exported[1]};`,
    "export default validate;",
    "",
  ].join("\n");
}
