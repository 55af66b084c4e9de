/**
 * Subschemas that several events repeat (the envelope, its metadata, a component two events `$ref`),
 * found once so that the SDK defines each of them once: the contracts compose their schemas from
 * shared constants, and one ajv instance compiles each shared schema to one function that every
 * validator calls. A subschema is shared when the schema graph names it (it has a model title), two
 * or more events hold exactly the same JSON for it, and it holds no `$ref` (a local `$ref` means
 * something else once the subschema stands alone).
 */
import { isPlainObject, type JsonObject, type JsonSchema, type JsonValue, setOwn } from "@evc/runtime/codegen";
import type { EventModel } from "./model.js";
import { typeName } from "./naming.js";
import { forEachSubschema } from "./schema-graph.js";

/** One shared subschema. */
export interface SharedSchema {
  /** An identifier, unique among shared schemas (`EventEnvelope`). */
  readonly name: string;
  /** Its `$id` in the validators' ajv instance. */
  readonly id: string;
  /** The JSON, as the first event that holds it has it (shared subschemas inside it included). */
  readonly schema: JsonObject;
}

/** The shared subschemas of a model and where each event holds them. */
export interface SharedSchemas {
  /** In dependency order: a shared schema comes after those it holds. */
  readonly list: readonly SharedSchema[];
  /** The shared schema an object of some event's schema (or of a shared schema) is, if it is one. */
  sharedAs(node: unknown): SharedSchema | undefined;
}

/** The `$id` of an event's own schema in the validators' ajv instance. */
export function eventSchemaId(event: EventModel): string {
  return `evc:/events/${event.className}`;
}

/** Find what the events' schemas share. */
export function findSharedSchemas(events: readonly EventModel[]): SharedSchemas {
  const holders = new Map<string, Set<EventModel>>();
  const visitTitled = (event: EventModel, visit: (node: JsonObject, title: string, key: string) => void) =>
    forEachSubschema(event.schema, event.namedSchema, (node, named) => {
      const title = isPlainObject(named) ? named["title"] : undefined;
      if (!isPlainObject(node) || typeof title !== "string") return;
      const key = JSON.stringify(node);
      if (!key.includes('"$ref":')) visit(node as JsonObject, title, key);
    });
  for (const event of events) visitTitled(event, (_node, _title, key) => holders.set(key, (holders.get(key) ?? new Set()).add(event)));

  const byKey = new Map<string, SharedSchema>();
  const byNode = new Map<unknown, SharedSchema>();
  const taken = new Set<string>();
  for (const event of events) {
    visitTitled(event, (node, title, key) => {
      if ((holders.get(key)?.size ?? 0) < 2) return;
      let shared = byKey.get(key);
      if (shared === undefined) {
        const name = unique(typeName(title, "Schema"), taken);
        shared = { name, id: `evc:/schemas/${name}`, schema: node };
        byKey.set(key, shared);
      }
      byNode.set(node, shared);
    });
  }
  return { list: [...byKey.values()], sharedAs: (node) => byNode.get(node) };
}

/**
 * A schema with every shared subschema below its top replaced by a `$ref` to its `$id`, for ajv; with
 * `id`, the result carries it as its `$id`.
 */
export function referencingSchema(schema: JsonSchema, shared: SharedSchemas, id?: string): JsonSchema {
  const replace = (value: unknown, top: boolean): unknown => {
    if (!top && isPlainObject(value)) {
      const found = shared.sharedAs(value);
      if (found !== undefined) return { $ref: found.id };
    }
    if (Array.isArray(value)) return value.map((item) => replace(item, false));
    if (!isPlainObject(value)) return value;
    const copy: JsonObject = {};
    for (const [key, child] of Object.entries(value)) setOwn(copy, key, replace(child, false) as JsonValue);
    return copy;
  };
  const result = replace(schema, true) as JsonSchema;
  return id !== undefined && isPlainObject(result) ? { $id: id, ...result } : result;
}

function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let attempt = 2; taken.has(candidate); attempt++) candidate = `${name}${attempt}`;
  taken.add(candidate);
  return candidate;
}
