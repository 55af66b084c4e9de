/**
 * The AsyncAPI meta-schema validators that the tool package's build precompiles (ajv standalone
 * code, `meta-schema-build.ts`), so that checking a document's structure compiles no meta-schema at
 * run time. They live in the package's `dist/asyncapi-meta-schema/` and are reached through the
 * package's `#asyncapi-meta-schema/*` import, from the TypeScript sources as from the compiled ones.
 */
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import { ContractError } from "@evc/runtime/errors";

/** The AsyncAPI versions whose meta-schema the build precompiles; others are checked by the parser's own rule function. */
export const precompiledAsyncApiVersions: readonly string[] = ["3.0.0", "3.1.0"];

/** The name of a precompiled validator's module: a version's meta-schema for resolved documents or for unresolved ones. */
export function metaSchemaValidatorName(version: string, resolved: boolean): string {
  return `asyncapi-${version}-${resolved ? "resolved" : "unresolved"}`;
}

/** Thrown when the build did not write a validator it should have: the tool package was not built, or not completely. */
export class MetaSchemaValidatorMissingError extends ContractError {
  constructor(name: string, options?: ErrorOptions) {
    super(`the precompiled AsyncAPI meta-schema validator ${name} is missing from the tool package: build it (npm run build --workspace=generator)`, options);
    this.name = "MetaSchemaValidatorMissingError";
  }
}

const requireValidator = createRequire(import.meta.url);
const loaded = new Map<string, ValidateFunction>();

/** Throws {@link MetaSchemaValidatorMissingError} unless the build wrote every validator it should have (files looked up, none loaded). */
export function assertMetaSchemaValidatorsBuilt(): void {
  for (const version of precompiledAsyncApiVersions) {
    for (const resolved of [true, false]) validatorFile(metaSchemaValidatorName(version, resolved));
  }
}

/**
 * The precompiled validator of a version's meta-schema, resolved or not, loaded on first use; undefined for a
 * version the build does not precompile. Throws {@link MetaSchemaValidatorMissingError} when the build left it out.
 */
export function metaSchemaValidator(version: string, resolved: boolean): ValidateFunction | undefined {
  if (!precompiledAsyncApiVersions.includes(version)) return undefined;
  const name = metaSchemaValidatorName(version, resolved);
  let validate = loaded.get(name);
  if (validate === undefined) {
    validate = requireValidator(validatorFile(name)) as ValidateFunction;
    loaded.set(name, validate);
  }
  return validate;
}

/** Validator module paths, resolved once (the check at start-up and the first use ask for the same ones). */
const files = new Map<string, string>();

function validatorFile(name: string): string {
  let file = files.get(name);
  if (file === undefined) {
    try {
      file = requireValidator.resolve(`#asyncapi-meta-schema/${name}`);
    } catch (error) {
      throw new MetaSchemaValidatorMissingError(name, { cause: error });
    }
    files.set(name, file);
  }
  return file;
}
