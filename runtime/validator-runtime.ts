/**
 * What ajv's standalone validators `require()` (its runtime helpers and ajv-formats' formats),
 * resolved from the runtime package's own dependencies, so that generated code depends on the
 * runtime alone and works under package managers that do not hoist (pnpm).
 */
import { createRequire } from "node:module";
import { ArgumentError } from "./errors.js";

const load = createRequire(import.meta.url);
const validatorDependency = /^(?:ajv\/dist\/runtime\/[a-z0-9_]+|ajv-formats\/dist\/formats)$/;

/**
 * The `require` of a generated validator: only ajv's runtime helpers and formats, nothing else.
 * @private
 */
export function validatorRequire(id: string): unknown {
  if (!validatorDependency.test(id)) {
    throw new ArgumentError("id", `one of ajv's runtime helpers or ajv-formats' formats, but a generated validator asked for "${id}"`);
  }
  return load(id);
}
