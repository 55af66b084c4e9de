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

/**
 * Compiles payload schemas for the generator's checks (each with an ajv instance of its own, so that
 * no schema's `$id` or keywords reach another's) and the standalone validators modules.
 */
export class SchemaCompiler {
  readonly #compiled = new Map<JsonSchema, ValidateFunction>();
  /** Checks schemas against the draft-07 meta-schema once, so that per-schema instances need not compile it each. */
  readonly #checker = new Ajv({ ...ajvOptions, code: {} });

  /** Compile a schema (once); throws ajv's error when the schema itself is invalid. */
  compile(schema: JsonSchema): ValidateFunction {
    let validate = this.#compiled.get(schema);
    if (validate === undefined) {
      if (!this.#checker.validateSchema(schema as object | boolean)) {
        throw new Error(`schema is invalid: ${this.#checker.errorsText(this.#checker.errors)}`);
      }
      const ajv = new Ajv({ ...ajvOptions, validateSchema: false });
      addFormats.default(ajv);
      validate = ajv.compile(schema as object | boolean);
      this.#compiled.set(schema, validate);
    }
    return validate;
  }

  /**
   * One standalone ES module for many schemas, compiled by one ajv instance: `shared` (each with its
   * `$id`) are compiled once, as functions the validators that `$ref` them call; each of `exports`
   * (export name → schema with its `$id`) becomes a named export.
   */
  standaloneModule(shared: readonly JsonSchema[], exports: ReadonlyMap<string, JsonSchema>): string {
    const ajv = new Ajv({ ...ajvOptions, validateSchema: false, inlineRefs: false });
    addFormats.default(ajv);
    for (const schema of [...shared, ...exports.values()]) ajv.addSchema(schema as object);
    const ids: Record<string, string> = {};
    for (const [name, schema] of exports) ids[name] = (schema as { $id: string }).$id;
    return standaloneCode.default(ajv, ids);
  }
}
