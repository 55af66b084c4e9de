import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import type { JsonSchema } from "@evc/runtime/codegen";
import type { EventModel } from "./model.js";
import { withoutUnusedSchemas } from "./standalone-code.js";
import { eventSchemaId, findSharedSchemas, referencingSchema, type SharedSchemas } from "./shared-schemas.js";

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
 * Compiles the payload schemas of a model's events once, for the generator's checks and for the
 * standalone validators module alike: one ajv instance holds every event's schema (with its `$id`)
 * and the subschemas the events share, each compiled once to a function the events' validators call,
 * which is what the validators module is then written from. A schema that holds `$id`, `$ref` or
 * `$anchor` is compiled for the checks with an ajv instance of its own, so that no identifier of
 * another schema reaches it, and so is one the shared instance cannot compile: the error is the one
 * the schema alone gives.
 */
export class SchemaCompiler {
  #shared: SharedSchemas;
  /** The events it was made for, in order. */
  #events: readonly EventModel[];
  #key: string | undefined;
  #compiled = new Map<JsonSchema, ValidateFunction>();
  /** Checks schemas against the draft-07 meta-schema once, so that per-schema instances need not compile it each. */
  readonly #checker = new Ajv({ ...ajvOptions, code: {} });
  readonly #ajv = new Ajv({ ...ajvOptions, validateSchema: false, inlineRefs: false });
  /** The events' schemas the shared instance holds, with their `$id` there. */
  #ids = new Map<JsonSchema, string>();
  /** The first schema the shared instance refused to add (a duplicate `$id`): the validators module cannot be written. */
  #refused: Error | undefined;
  /** The last standalone module written, with the exports it was written for. */
  #module: { readonly exports: string; readonly code: string } | undefined;

  /** Add the events' schemas (each kept event once) and their shared subschemas; nothing is compiled yet. */
  constructor(events: readonly EventModel[]) {
    addFormats.default(this.#ajv);
    this.#events = events;
    this.#shared = findSharedSchemas(events);
    for (const schema of this.#shared.list) this.#add(referencingSchema(schema.schema, this.#shared, schema.id));
    for (const event of events) {
      if (this.#add(referencingSchema(event.schema, this.#shared, eventSchemaId(event)))) this.#ids.set(event.schema, eventSchemaId(event));
    }
  }

  /** The subschemas the events share (found again for the events a reused compiler is bound to). */
  get shared(): SharedSchemas {
    return this.#shared;
  }

  /**
   * A compiler for these events: `previous` itself, bound to them, when it was made for events with the
   * same classes and schemas in the same order (watch mode: an edit that changes no payload schema
   * compiles nothing again); a new one otherwise. Reuse writes the same validators module as a new
   * compiler would, because the checks compile every event in the events' order.
   */
  static reusing(events: readonly EventModel[], previous: SchemaCompiler | undefined): SchemaCompiler {
    if (previous === undefined || previous.#keyOf() !== schemasKey(events)) return new SchemaCompiler(events);
    previous.#bind(events);
    return previous;
  }

  /** The validator of an event's payload schema (compiled once); throws ajv's error when the schema itself is invalid. */
  compile(event: EventModel): ValidateFunction {
    let validate = this.#compiled.get(event.schema);
    if (validate === undefined) {
      if (!this.#checker.validateSchema(event.schema as object | boolean)) {
        throw new Error(`schema is invalid: ${this.#checker.errorsText(this.#checker.errors)}`);
      }
      // Compiled in the shared instance even when not used here: its functions are numbered in the order of the checks.
      const shared = this.#fromShared(event.schema);
      validate = shared !== undefined && !identifies(event.schema) ? shared : compileAlone(event.schema);
      this.#compiled.set(event.schema, validate);
    }
    return validate;
  }

  /**
   * One standalone ES module of the events' validators, each a named export (export name → event):
   * the functions compiled for the checks, shared subschemas as functions of their own; the schema
   * constants no function uses are left out.
   */
  standaloneModule(exports: ReadonlyMap<string, EventModel>): string {
    if (this.#refused !== undefined) throw this.#refused;
    const ids: Record<string, string> = {};
    for (const [name, event] of exports) ids[name] = eventSchemaId(event);
    const key = JSON.stringify(ids);
    if (this.#module?.exports !== key) this.#module = { exports: key, code: withoutUnusedSchemas(standaloneCode.default(this.#ajv, ids)) };
    return this.#module.code;
  }

  #keyOf(): string {
    this.#key ??= schemasKey(this.#events);
    return this.#key;
  }

  /** Answer for `events`, whose schemas are those of the events it was made for, position by position. */
  #bind(events: readonly EventModel[]): void {
    const previous = new Map(this.#events.map((event, index) => [event.schema, (events[index] as EventModel).schema]));
    const rekey = <T>(map: Map<JsonSchema, T>) => new Map([...map].map(([schema, value]) => [previous.get(schema) ?? schema, value]));
    this.#compiled = rekey(this.#compiled);
    this.#ids = rekey(this.#ids);
    this.#events = events;
    // Found again for the new objects (the SDK's files ask by object); the same JSON names them the same.
    this.#shared = findSharedSchemas(events);
  }

  #add(schema: JsonSchema): boolean {
    try {
      this.#ajv.addSchema(schema as object);
      return true;
    } catch (error) {
      this.#refused ??= error as Error;
      return false;
    }
  }

  #fromShared(schema: JsonSchema): ValidateFunction | undefined {
    const id = this.#ids.get(schema);
    if (id === undefined) return undefined;
    try {
      return this.#ajv.getSchema(id);
    } catch {
      return undefined;
    }
  }
}

/** What a compiler's work depends on: each event's class and its schema, plain and named (the shared schemas' names come from titles). */
function schemasKey(events: readonly EventModel[]): string {
  return JSON.stringify(events.map((event) => [eventSchemaId(event), event.schema, event.namedSchema]));
}

/** Compile a schema with an ajv instance of its own. */
function compileAlone(schema: JsonSchema): ValidateFunction {
  const ajv = new Ajv({ ...ajvOptions, validateSchema: false });
  addFormats.default(ajv);
  return ajv.compile(schema as object | boolean);
}

/** Whether a schema holds a key that names or points at a schema (`$id`, `$ref`, `$anchor`), anywhere (property names too: such a schema is compiled alone). */
function identifies(schema: JsonSchema): boolean {
  return /"\$(id|ref|anchor|dynamicRef|dynamicAnchor|recursiveRef|recursiveAnchor)":/.test(JSON.stringify(schema));
}
