/**
 * Standalone ajv validators as ES modules. ajv's standalone output still `require()`s its runtime
 * helpers and formats even in ESM mode (ajv#1976); each `require("x")` becomes a hoisted default
 * import of `x.js` (the CommonJS `module.exports`), which works on Node 20 and for bundlers.
 */
import type { SchemaCompiler } from "../compile.js";
import type { EventModel } from "../model.js";

/** The `.js` source of an event's validator, imports hoisted. */
export function validatorModule(event: EventModel, compiler: SchemaCompiler): string {
  const imports = new Map<string, string>();
  const body = compiler
    .standalone(event.schema)
    .replace(/^"use strict";\n?/, "")
    .replace(/require\("([^"]+)"\)/g, (_match, specifier: string) => {
      let name = imports.get(specifier);
      if (name === undefined) {
        name = `$import${imports.size}`;
        imports.set(specifier, name);
      }
      return name;
    });
  const header = [...imports].map(([specifier, name]) => `import ${name} from ${JSON.stringify(importPath(specifier))};`);
  return `${header.join("\n")}${header.length > 0 ? "\n" : ""}${body.trimEnd()}\n`;
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

function importPath(specifier: string): string {
  return /\.(c|m)?js$/.test(specifier) ? specifier : `${specifier}.js`;
}
