/**
 * The validators the tool package's build precompiles into ajv standalone code (`precompiled-build.ts`):
 * the AsyncAPI meta-schemas and the schemas of evc's own inputs, so that no schema the tool ships is
 * compiled at run time. They live in the package's `dist/precompiled/` and are reached through the
 * package's `#precompiled/*` import, from the TypeScript sources as from the compiled ones.
 */
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import { ContractError } from "@evc/runtime/errors";

/** Thrown when the build did not write a validator it should have: the tool package was not built, or not completely. */
export class PrecompiledValidatorMissingError extends ContractError {
  constructor(name: string, options?: ErrorOptions) {
    super(`the precompiled validator ${name} is missing from the tool package: build it (npm run build --workspace=generator)`, options);
    this.name = "PrecompiledValidatorMissingError";
  }
}

const requireValidator = createRequire(import.meta.url);
const loaded = new Map<string, ValidateFunction>();
const files = new Map<string, string>();

/** The precompiled validator of this name, loaded on first use. Throws {@link PrecompiledValidatorMissingError} when the build left it out. */
export function precompiledValidator(name: string): ValidateFunction {
  let validate = loaded.get(name);
  if (validate === undefined) {
    validate = requireValidator(precompiledValidatorFile(name)) as ValidateFunction;
    loaded.set(name, validate);
  }
  return validate;
}

/** The file of the precompiled validator of this name, looked up once, not loaded. Throws {@link PrecompiledValidatorMissingError} when the build left it out. */
export function precompiledValidatorFile(name: string): string {
  let file = files.get(name);
  if (file === undefined) {
    try {
      file = requireValidator.resolve(`#precompiled/${name}`);
    } catch (error) {
      throw new PrecompiledValidatorMissingError(name, { cause: error });
    }
    files.set(name, file);
  }
  return file;
}
