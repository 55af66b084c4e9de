import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import type { JsonSchema } from "@evc/runtime/codegen";
import type { EventModel } from "./model.js";
import { tidyStandaloneCode } from "./standalone-code.js";
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

/** How many edits a compiler is patched for before a new one is made: a patch leaves the replaced functions in ajv's scope. */
const patchLimit = 100;

/** A schema the shared ajv instance holds: an event's or a shared subschema's, its shared subschemas as `$ref`s. */
interface HeldSchema {
  /** Its `$id`. */
  readonly id: string;
  readonly schema: JsonSchema;
  /** Its JSON, which decides whether a patch compiles it again. */
  readonly json: string;
  /** The event whose schema it is; absent for a shared subschema. */
  readonly event?: EventModel;
  /** Whether the schema as written holds `$id`, `$ref` or `$anchor`: the checks compile it alone, and a patch that finds it changed makes a new compiler. */
  readonly identifies: boolean;
}

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
  /** What the shared instance holds, by `$id`. */
  #held = new Map<string, HeldSchema>();
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
  /** The edits it was patched for. */
  #patches = 0;

  /** Add the events' schemas (each kept event once) and their shared subschemas; nothing is compiled yet. */
  constructor(events: readonly EventModel[]) {
    addFormats.default(this.#ajv);
    this.#shared = findSharedSchemas(events);
    for (const held of heldSchemas(events, this.#shared)) this.#hold(held);
  }

  /** The subschemas the events share (found again for the events a patched compiler is bound to). */
  get shared(): SharedSchemas {
    return this.#shared;
  }

  /**
   * A compiler for these events (watch mode): `previous` itself, patched, where it can be: the schemas
   * whose JSON changed, and those that point at one of them, are compiled again, and the rest is kept
   * (an edit that changes no payload schema compiles nothing). A new compiler where `previous` refused
   * a schema, where a changed schema holds `$id`, `$ref` or `$anchor`, or after many patches. A patched
   * compiler writes the same validators module as a new one: the module's names are numbered in the
   * order they appear, not in the order ajv compiled the functions.
   */
  static reusing(events: readonly EventModel[], previous: SchemaCompiler | undefined): SchemaCompiler {
    if (previous === undefined || previous.#refused !== undefined || previous.#patches >= patchLimit) return new SchemaCompiler(events);
    return previous.#patch(events) ? previous : new SchemaCompiler(events);
  }

  /** The validator of an event's payload schema (compiled once); throws ajv's error when the schema itself is invalid. */
  compile(event: EventModel): ValidateFunction {
    let validate = this.#compiled.get(event.schema);
    if (validate === undefined) {
      if (!this.#checker.validateSchema(event.schema as object | boolean)) {
        throw new Error(`schema is invalid: ${this.#checker.errorsText(this.#checker.errors)}`);
      }
      // Compiled in the shared instance even when not used here: the validators module is written from it.
      const held = this.#heldFor(event);
      const shared = held === undefined ? undefined : this.#fromShared(held.id);
      validate = shared !== undefined && !held?.identifies ? shared : compileAlone(event.schema);
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
    if (this.#module?.exports !== key) this.#module = { exports: key, code: tidyStandaloneCode(standaloneCode.default(this.#ajv, ids)) };
    return this.#module.code;
  }

  /** Bind to `events`, compiling again what changed; false when a new compiler must be made instead (and this one is not to be reused). */
  #patch(events: readonly EventModel[]): boolean {
    const shared = findSharedSchemas(events);
    const held = heldSchemas(events, shared);
    const changed = new Set<string>();
    // Shared subschemas come before what holds them, so one pass finds everything that points at a changed one.
    for (const schema of held) {
      if (this.#held.get(schema.id)?.json !== schema.json || pointsAt(schema.json).some((id) => changed.has(id))) changed.add(schema.id);
    }
    const ids = new Set(held.map((schema) => schema.id));
    if (ids.size !== held.length || held.some((schema) => changed.has(schema.id) && schema.identifies)) return false;
    const compiled = new Map([...this.#compiled].map(([schema, validate]) => [this.#ids.get(schema), validate]));
    const dropped = [...this.#held.keys()].filter((id) => changed.has(id) || !ids.has(id));
    for (const id of dropped) {
      this.#ajv.removeSchema(id);
      this.#held.delete(id);
    }
    this.#ids = new Map();
    this.#compiled = new Map();
    for (const schema of held) {
      if (changed.has(schema.id)) {
        if (!this.#hold(schema)) return false;
        continue;
      }
      this.#record(schema);
      const validate = compiled.get(schema.id);
      if (schema.event !== undefined && validate !== undefined) this.#compiled.set(schema.event.schema, validate);
    }
    this.#shared = shared;
    if (dropped.length > 0 || changed.size > 0) {
      this.#module = undefined;
      this.#patches++;
    }
    return true;
  }

  /** Add a schema to the shared instance; false (and the refusal kept) when ajv refuses it. */
  #hold(schema: HeldSchema): boolean {
    try {
      this.#ajv.addSchema(schema.schema as object);
    } catch (error) {
      this.#refused ??= error as Error;
      return false;
    }
    this.#record(schema);
    return true;
  }

  /** Note a schema the shared instance holds, and for an event's, which `$id` its schema has there. */
  #record(schema: HeldSchema): void {
    this.#held.set(schema.id, schema);
    if (schema.event !== undefined) this.#ids.set(schema.event.schema, schema.id);
  }

  /** What the shared instance holds for an event's schema; undefined when it refused it. */
  #heldFor(event: EventModel): HeldSchema | undefined {
    const id = this.#ids.get(event.schema);
    return id === undefined ? undefined : this.#held.get(id);
  }

  #fromShared(id: string): ValidateFunction | undefined {
    try {
      return this.#ajv.getSchema(id);
    } catch {
      return undefined;
    }
  }
}

/** What the shared instance holds for these events: the shared subschemas (in dependency order), then the events' schemas. */
function heldSchemas(events: readonly EventModel[], shared: SharedSchemas): HeldSchema[] {
  const held = (id: string, written: JsonSchema, event?: EventModel): HeldSchema => {
    const schema = referencingSchema(written, shared, id);
    return { id, schema, json: JSON.stringify(schema), identifies: identifies(written), ...(event === undefined ? {} : { event }) };
  };
  return [...shared.list.map((subschema) => held(subschema.id, subschema.schema)), ...events.map((event) => held(eventSchemaId(event), event.schema, event))];
}

/** The shared subschemas a held schema's JSON points at. */
function pointsAt(json: string): string[] {
  return [...json.matchAll(/"\$ref":"(evc:\/schemas\/[^"]+)"/g)].map((match) => match[1] as string);
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
