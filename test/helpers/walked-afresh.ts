/**
 * Schemas the compatibility checker cannot take a shortcut on: it keeps and reuses the comparisons
 * of `$ref`-free subschemas, and skips subschemas written the same way (`compat/structure.ts`).
 */
import type { JsonSchema } from "@evc/runtime/codegen";

type Schema = Record<string, unknown>;

const subschemaLists = ["allOf", "anyOf", "oneOf", "prefixItems"];
const subschemaMaps = ["properties", "patternProperties", "dependentSchemas", "definitions", "$defs"];
const subschemas = ["items", "additionalProperties", "additionalItems", "unevaluatedProperties", "unevaluatedItems", "not", "contains"];

/**
 * The same schema with a `$ref` in an annotation of every schema object: it validates the same and
 * the checker reads it the same, but no subschema of it is free of `$ref`, so nothing is reused or
 * skipped: every pair of subschemas is walked.
 */
export function walkedAfresh(schema: JsonSchema): JsonSchema;
export function walkedAfresh(schema: unknown): unknown;
export function walkedAfresh(schema: unknown): unknown {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return schema;
  const copy: Schema = { ...(schema as Schema), examples: [{ $ref: "#" }] };
  for (const keyword of subschemaLists) if (Array.isArray(copy[keyword])) copy[keyword] = (copy[keyword] as unknown[]).map(walkedAfresh);
  for (const keyword of subschemaMaps) {
    const map = copy[keyword];
    if (typeof map === "object" && map !== null) copy[keyword] = Object.fromEntries(Object.entries(map).map(([name, value]) => [name, walkedAfresh(value)]));
  }
  for (const keyword of subschemas) {
    const value = copy[keyword];
    copy[keyword] = Array.isArray(value) ? value.map(walkedAfresh) : walkedAfresh(value);
    if (value === undefined) delete copy[keyword];
  }
  return copy;
}
