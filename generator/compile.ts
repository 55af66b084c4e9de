import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import type { JsonSchema } from "@evc/runtime/codegen";

/** The ajv options every validator is compiled with, here and in the standalone code. */
export const ajvOptions = {
  allErrors: true,
  ownProperties: true,
  strict: false,
  logger: false,
  code: { source: true, esm: true, lines: true },
} as const;

/** The formats ajv-formats knows; a `format` outside this set is not checked, and the generator warns. */
export const knownFormats: ReadonlySet<string> = new Set([
  "date",
  "time",
  "date-time",
  "iso-time",
  "iso-date-time",
  "duration",
  "uri",
  "uri-reference",
  "uri-template",
  "url",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "regex",
  "uuid",
  "json-pointer",
  "json-pointer-uri-fragment",
  "relative-json-pointer",
  "byte",
  "int32",
  "int64",
  "float",
  "double",
  "password",
  "binary",
]);

interface Compiled {
  readonly ajv: Ajv;
  readonly validate: ValidateFunction;
}

/**
 * Compiles payload schemas for the generator's checks and for standalone validators. Each schema gets
 * its own ajv instance, so that the names inside its standalone code (`validate10`, `schema11`) do not
 * depend on which other schemas were compiled before it: adding an event leaves other files alone.
 */
export class SchemaCompiler {
  readonly #compiled = new Map<JsonSchema, Compiled>();
  /** Checks schemas against the draft-07 meta-schema once, so that per-schema instances need not compile it each. */
  readonly #checker = new Ajv({ ...ajvOptions, code: {} });

  /** Compile a schema (once); throws ajv's error when the schema itself is invalid. */
  compile(schema: JsonSchema): ValidateFunction {
    return this.#get(schema).validate;
  }

  /** The standalone ES module source of a schema's validator (its default export is the function). */
  standalone(schema: JsonSchema): string {
    const { ajv, validate } = this.#get(schema);
    return standaloneCode.default(ajv, validate);
  }

  #get(schema: JsonSchema): Compiled {
    let compiled = this.#compiled.get(schema);
    if (compiled === undefined) {
      if (!this.#checker.validateSchema(schema as object | boolean)) {
        throw new Error(`schema is invalid: ${this.#checker.errorsText(this.#checker.errors)}`);
      }
      const ajv = new Ajv({ ...ajvOptions, validateSchema: false });
      addFormats.default(ajv);
      compiled = { ajv, validate: ajv.compile(schema as object | boolean) };
      this.#compiled.set(schema, compiled);
    }
    return compiled;
  }
}
