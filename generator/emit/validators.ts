/**
 * Standalone ajv validators as ES modules. ajv's standalone output still `require()`s its runtime
 * helpers and formats even in ESM mode (ajv#1976). A default import of those CommonJS modules means
 * `module.exports` under Node but `exports.default` under bundlers such as Vite, so the validator
 * gets a `require` of its own from `createRequire`, which means the same everywhere Node runs.
 */
import type { SchemaCompiler } from "../compile.js";
import type { EventModel } from "../model.js";

/** The `.js` source of an event's validator. */
export function validatorModule(event: EventModel, compiler: SchemaCompiler): string {
  const body = compiler.standalone(event.schema).replace(/^"use strict";\n?/, "");
  const header = body.includes("require(") ? 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n' : "";
  return `${header}${body.trimEnd()}\n`;
}

/** The `.d.ts` of a validator module. */
export function validatorDeclarations(): string {
  return [
    'import type { ValidateFunction } from "ajv";',
    "",
    "/** Validate a payload; on failure `validate.errors` holds ajv's issues, with JSON paths. */",
    "declare const validate: ValidateFunction;",
    "export { validate };",
    "export default validate;",
    "",
  ].join("\n");
}
