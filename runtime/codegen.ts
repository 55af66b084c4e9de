/**
 * The only module that generated code imports. Everything here exists for `generated/` and is
 * tagged `@private`: services use the generated classes and the registry, not these helpers.
 * Keeping this surface small lets the runtime change without breaking old generated code.
 */
import type { ValidateFunction } from "ajv";
import { ValidationError } from "./errors.js";
import { isPlainObject, pointerTokens, setOwn, valueAtPath } from "./json.js";

export { createRegistry } from "./registry.js";
export type { Registry, RegistryInput } from "./registry.js";
export type { ConsumerDefaults, DeadLetterSpec, JetStreamTopology, StreamSpec } from "./topology.js";

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, as `JSON.parse` returns it. */
export type JsonObject = { [key: string]: JsonValue };

/** A JSON Schema (draft-07, the AsyncAPI schema format) in its JSON form. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** Compatibility modes of Confluent Schema Registry, set per event in the spec. */
export type CompatibilityMode =
  | "BACKWARD"
  | "BACKWARD_TRANSITIVE"
  | "FORWARD"
  | "FORWARD_TRANSITIVE"
  | "FULL"
  | "FULL_TRANSITIVE"
  | "NONE";

/** One `{name}` of a channel address and where its value is read from in the event. */
export interface SubjectParameter {
  readonly name: string;
  /** JSON pointer into the event (from the parameter's `location`, or the property of the same name). */
  readonly pointer: string;
}

/** The subject an event is published on: the channel address, with `{name}` parameters. */
export interface SubjectTemplate {
  /** The channel address, e.g. `latechforce.table.{aggregateId}`. */
  readonly address: string;
  readonly parameters: readonly SubjectParameter[];
}

/** Turns the JSON of version N-1 of an event into the JSON of version N. */
export type Upcaster = (previous: JsonObject) => JsonObject;

/** One declarative upcast step from the spec (`x-evc.upcast`), on JSON pointers into the event. */
export type UpcastStep =
  | { readonly op: "rename"; readonly from: string; readonly to: string }
  | { readonly op: "move"; readonly from: string; readonly to: string }
  | { readonly op: "default"; readonly path: string; readonly value: JsonValue }
  | { readonly op: "drop"; readonly path: string };

/** Everything the toolkit knows about one version of one event: the generated registry is a list of these. */
export interface EventContract<T = unknown> {
  /** The event type, e.g. `record-created`. */
  readonly type: string;
  readonly version: number;
  /** The generated class, e.g. `RecordCreatedV2`. */
  readonly className: string;
  /** The system (spec document) the event belongs to, e.g. `latechforce`. */
  readonly system: string;
  /** The spec file the message is declared in, relative to the specs folder. */
  readonly specFile: string;
  /** The payload schema, self-contained (no external `$ref`). */
  readonly schema: JsonSchema;
  /** The precompiled ajv validator of `schema`. */
  readonly validate: ValidateFunction;
  /** Where the event is published; undefined for a message on no channel. */
  readonly subject: SubjectTemplate | undefined;
  /** The JetStream stream whose subjects cover `subject`, if the spec declares one. */
  readonly stream: string | undefined;
  /** True when the payload is an evc envelope (`id`, `type`, `version`, `aggregateId`, ...). */
  readonly envelope: boolean;
  /** The aggregate type the payload pins with `const`, if any. */
  readonly aggregateType: string | undefined;
  /** How this event may evolve, checked by `evc diff`. */
  readonly compatibility: CompatibilityMode;
  /** Brings version N-1 to this version; undefined for version 1. */
  readonly upcast: Upcaster | undefined;
  /** Builds the typed event from JSON that `validate` accepted, without validating again. */
  readonly create: (json: JsonObject) => T;
}

/** What every instance of a generated event class offers: its JSON, exactly as validated (unknown fields kept). */
export interface EventInstance {
  toJSON(): object;
}

/** What every generated event class offers besides its constructor. */
export interface EventClass<T extends EventInstance = EventInstance> {
  /** The contract of this type and version. */
  readonly contract: EventContract<T>;
  /** Validate JSON (a parsed object or a string) and build the event; throws `ValidationError`. */
  fromJSON(json: unknown): T;
}

/** The fields of a generated event class, without its methods: the shape of its JSON. */
export type EventFields<T> = {
  readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K];
};

/** What a generated class's constructor takes: its fields, less those the schema pins with `const`. */
export type EventInit<T, Pinned extends keyof EventFields<T> = never> = Omit<EventFields<T>, Pinned>;

/**
 * Freeze and return a contract descriptor.
 * @private
 */
export function defineContract<T>(contract: EventContract<T>): EventContract<T> {
  return Object.freeze(contract);
}

/** What `safeFromJSON` returns: the event, or the error `fromJSON` would have thrown. */
export type SafeResult<T> = { readonly success: true; readonly data: T } | { readonly success: false; readonly error: ValidationError };

const trusted = new WeakSet<object>();

/**
 * Mark JSON that was just validated, so that the constructor it is handed to does not validate it
 * again; the mark is used up by that one construction.
 * @private
 */
export function trust<T>(json: object): T {
  trusted.add(json);
  return json as T;
}

/**
 * Validate JSON against a contract and return it, or throw a `ValidationError` naming type, version and JSON paths.
 * @private
 */
export function parseEvent(contract: EventContract, json: unknown): JsonObject {
  if (typeof json === "object" && json !== null && trusted.delete(json)) return json as JsonObject;
  if (contract.validate(json)) return json as JsonObject;
  throw new ValidationError(contract.type, contract.version, contract.validate.errors ?? []);
}

/**
 * Parse JSON text (objects pass through); throws a `ValidationError` when the text is not JSON.
 * @private
 */
export function readJson(contract: EventContract, json: unknown): unknown {
  if (typeof json !== "string") return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    const issue = { instancePath: "", schemaPath: "", keyword: "json", params: {}, message: `is not JSON (${(error as Error).message})` };
    throw new ValidationError(contract.type, contract.version, [issue], { cause: error });
  }
}

/**
 * Add the values a schema pins with `const` where the input lacks them; a conflicting value is left for validation to report.
 * @private
 */
export function pin(input: object, pins: JsonObject): object {
  const missing = Object.keys(pins).filter((key) => !Object.hasOwn(input, key));
  if (missing.length === 0) return input;
  const pinned: JsonObject = { ...(input as JsonObject) };
  for (const key of missing) setOwn(pinned, key, pins[key]);
  return pinned;
}

/**
 * Copy validated JSON onto an event instance as enumerable own properties, then freeze it: an
 * event never changes. A `__proto__` key becomes an own property, never a prototype change.
 * @private
 */
export function defineFields(target: object, json: JsonObject): void {
  const fields = target as Record<string, unknown>;
  for (const key of Object.keys(json)) {
    if (key === "__proto__") setOwn(target, key, json[key]);
    else fields[key] = json[key];
  }
  Object.freeze(target);
}

/**
 * Run a parse and return its result or its `ValidationError` instead of throwing.
 * @private
 */
export function safely<T>(parse: () => T): SafeResult<T> {
  try {
    return { success: true, data: parse() };
  } catch (error) {
    if (error instanceof ValidationError) return { success: false, error };
    throw error;
  }
}

/**
 * Read an own property only, so that a missing `constructor` or `toString` is not taken from `Object.prototype`.
 * @private
 */
export function own(json: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(json, key) ? json[key] : undefined;
}

/**
 * Make an upcaster from the declarative steps of a spec. The input is never changed: the objects on
 * the paths the steps touch are copied, the rest is shared with the input.
 * @private
 */
export function stepsUpcaster(steps: readonly UpcastStep[]): Upcaster {
  const compiled = steps.map(compileStep);
  return (previous) => {
    const copies = new WeakSet<object>();
    const next = { ...previous };
    copies.add(next);
    for (const step of compiled) applyStep(next, step, copies);
    return next;
  };
}

/**
 * Make an upcaster from a hand-written, typed function of `upcasters/`.
 * @private
 */
export function functionUpcaster<From, To>(upcast: (previous: From) => To): Upcaster {
  return upcast as unknown as Upcaster;
}

/** An upcast step with its JSON pointers split into tokens once. */
type CompiledStep =
  | { readonly op: "move"; readonly from: readonly string[]; readonly to: readonly string[] }
  | { readonly op: "default"; readonly path: readonly string[]; readonly value: JsonValue }
  | { readonly op: "drop"; readonly path: readonly string[] };

function compileStep(step: UpcastStep): CompiledStep {
  switch (step.op) {
    case "rename":
    case "move":
      return { op: "move", from: pointerTokens(step.from), to: pointerTokens(step.to) };
    case "default":
      return { op: "default", path: pointerTokens(step.path), value: step.value };
    case "drop":
      return { op: "drop", path: pointerTokens(step.path) };
  }
}

function applyStep(event: JsonObject, step: CompiledStep, copies: WeakSet<object>): void {
  switch (step.op) {
    case "move": {
      const value = removeAt(event, step.from, copies);
      if (value !== undefined) setAt(event, step.to, value, copies);
      return;
    }
    case "default":
      if (valueAtPath(event, step.path) === undefined) setAt(event, step.path, typeof step.value === "object" && step.value !== null ? structuredClone(step.value) : step.value, copies);
      return;
    case "drop":
      removeAt(event, step.path, copies);
      return;
  }
}

/** The object holding the last token of a path, copied (with every object above it) before it is changed. */
function parentOf(event: JsonObject, path: readonly string[], create: boolean, copies: WeakSet<object>): [JsonObject, string] | undefined {
  const last = path.at(-1);
  if (last === undefined) return undefined;
  let node: JsonObject = event;
  for (const token of path.slice(0, -1)) {
    const child = own(node, token);
    let next: JsonObject;
    if (isPlainObject(child)) {
      next = copies.has(child) ? (child as JsonObject) : { ...(child as JsonObject) };
    } else if (create && child === undefined) {
      next = {};
    } else {
      return undefined;
    }
    if (next !== child) {
      copies.add(next);
      setOwn(node, token, next);
    }
    node = next;
  }
  return [node, last];
}

function setAt(event: JsonObject, path: readonly string[], value: JsonValue, copies: WeakSet<object>): void {
  const found = parentOf(event, path, true, copies);
  if (found !== undefined) setOwn(found[0], found[1], value);
}

function removeAt(event: JsonObject, path: readonly string[], copies: WeakSet<object>): JsonValue | undefined {
  if (valueAtPath(event, path) === undefined) return undefined;
  const found = parentOf(event, path, false, copies);
  if (found === undefined) return undefined;
  const [parent, key] = found;
  const value = own(parent, key);
  delete parent[key];
  return value;
}
