/** How generated event classes validate, pin, build and freeze their instances. */
import type { EventContract, JsonObject, JsonValue } from "./contract.js";
import { ValidationError } from "./errors.js";
import { copyOwn, isPlainObject, setOwn } from "./json.js";

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
 * again; the mark is used up by that one construction. A value that is not a plain object (which a
 * schema without `type: object` lets through) is not marked: the constructor refuses it.
 * @private
 */
export function trust<T>(json: object): T {
  if (isPlainObject(json)) trusted.add(json);
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
  let pinned: JsonObject | undefined;
  for (const key in pins) {
    if (Object.hasOwn(input, key)) continue;
    pinned ??= copyOwn(input as JsonObject);
    setOwn(pinned, key, pins[key]);
  }
  return pinned ?? input;
}

/**
 * The names an event instance inherits, which a key of its JSON would hide as an own property: those
 * of `Object.prototype` (`toString`, `valueOf`, `hasOwnProperty`…) and the generated class's `toJSON`
 * and `constructor`. A class whose payload lets extra keys through keeps such keys off the instance and
 * in its JSON (`defineFields`), unless its schema declares them as fields: an extra `toString: 1` from a
 * producer would otherwise make `String(event)` throw. `__proto__` is left to `defineFields`, which sets
 * it as an own property, never as the prototype.
 */
export const inheritedMembers: readonly string[] = Object.freeze([...Object.getOwnPropertyNames(Object.prototype).filter((name) => name !== "__proto__"), "toJSON"].sort());

/** The JSON of the events that keep keys of it off the instance (`defineFields`), a frozen copy as validated. */
const heldJson = new WeakMap<object, JsonObject>();

/**
 * Copy validated JSON onto an event instance as enumerable own properties, then freeze it: an
 * event never changes. A `__proto__` key becomes an own property, never a prototype change. The
 * keys `keptOff` (names the instance inherits: `toJSON` and `constructor` where the schema names
 * them, every one of `inheritedMembers` it does not declare where it lets extra keys through) stay off
 * the instance, where they would hide what it inherits, and in its JSON (`jsonOf`). Throws
 * a `ValidationError` for JSON that is not an object: a schema that declares properties without
 * `type: object` accepts a string or an array, but the event's class has fields, not a value.
 * @private
 */
export function defineFields(target: object, json: JsonObject, keptOff: readonly string[] = []): void {
  if (!isPlainObject(json)) throw notAnObject(target, json);
  let kept: string[] | undefined;
  for (const key of keptOff) if (Object.hasOwn(json, key)) (kept ??= []).push(key);
  if (kept !== undefined) heldJson.set(target, Object.freeze(copyOwn(json)));
  if (kept !== undefined || Object.hasOwn(json, "__proto__")) {
    for (const key of Object.keys(json)) if (kept?.includes(key) !== true) setOwn(target, key, json[key]);
  } else Object.assign(target, json);
  Object.freeze(target);
}

/**
 * The JSON of an event, a new object: its own fields, or the JSON it was built from when its class
 * keeps keys off it (`defineFields`). `Json` is the type its class gives that JSON (validated when
 * the event was built), which a cast from `JsonObject` cannot always reach: a field named as a member
 * of `Object.prototype` (`toString: boolean`) is not comparable with the member.
 * @private
 */
export function jsonOf<Json = JsonObject>(target: object): Json {
  const held = heldJson.get(target);
  return (held === undefined ? { ...target } : copyOwn(held)) as Json;
}

/** The error for a payload an event class with fields cannot hold, naming the class's contract. */
function notAnObject(target: object, json: unknown): Error {
  const kind = json === null ? "null" : Array.isArray(json) ? "an array" : `a ${typeof json}`;
  const message = `must be object: the class ${target.constructor.name} has fields, and this payload is ${kind} (the schema lets it through because it does not say type: object)`;
  const contract = (target.constructor as { readonly contract?: EventContract }).contract;
  if (contract === undefined) return new TypeError(message);
  return new ValidationError(contract.type, contract.version, [{ instancePath: "", schemaPath: "#/type", keyword: "type", params: { type: "object" }, message }]);
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
