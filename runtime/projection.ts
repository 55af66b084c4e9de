/**
 * Projection of JSON onto an older schema, as ajv's `removeAdditional: true` does: a property that
 * a closed content model of the schema (`additionalProperties: false`) does not declare is dropped;
 * open models keep what they do not declare, as their readers already tolerate it. It follows `properties`, `additionalProperties`, `items`, `allOf` and local `$ref`s;
 * the branches of `anyOf`, `oneOf` and `if` are not entered (which one applies is not known without
 * validating), so what is left there is for validation to judge. The input is never changed.
 */
import type { JsonSchema, JsonValue } from "./contract.js";
import { isPlainObject, pointerTokens, setOwn, valueAtPath } from "./json.js";

type SchemaObject = { readonly [keyword: string]: unknown };

/** The JSON with every property dropped that a closed object model of `schema` does not declare. */
export function projectOnto(schema: JsonSchema, json: JsonValue): JsonValue {
  return project([schema], json, schema);
}

function project(schemas: readonly unknown[], value: JsonValue, root: JsonSchema): JsonValue {
  const applied = schemas.flatMap((schema) => applying(schema, root, 0));
  if (applied.length === 0) return value;
  if (Array.isArray(value)) return value.map((item, index) => project(applied.flatMap((schema) => itemSchemas(schema, index)), item, root));
  if (!isPlainObject(value)) return value;
  const result: { [key: string]: JsonValue } = {};
  for (const [key, child] of Object.entries(value)) {
    if (applied.some((schema) => forbids(schema, key))) continue;
    setOwn(result, key, project(applied.flatMap((schema) => propertySchemas(schema, key)), child as JsonValue, root));
  }
  return result;
}

/** A schema and the ones it applies to the same value (`allOf` members, `$ref` targets), flattened. */
function applying(schema: unknown, root: JsonSchema, depth: number): SchemaObject[] {
  if (!isPlainObject(schema) || depth > 64) return [];
  const ref = schema["$ref"];
  if (typeof ref === "string") return ref.startsWith("#") ? applying(valueAtPath(root, pointerTokens(decodeURIComponent(ref.slice(1)))), root, depth + 1) : [];
  const members = Array.isArray(schema["allOf"]) ? schema["allOf"].flatMap((member) => applying(member, root, depth + 1)) : [];
  return [schema, ...members];
}

/** True when the schema's content model is closed (`additionalProperties: false`) and does not declare the property. */
function forbids(schema: SchemaObject, key: string): boolean {
  if (schema["additionalProperties"] !== false) return false;
  return !declares(schema, key);
}

function declares(schema: SchemaObject, key: string): boolean {
  const properties = schema["properties"];
  if (isPlainObject(properties) && Object.hasOwn(properties, key)) return true;
  const patterns = schema["patternProperties"];
  return isPlainObject(patterns) && Object.keys(patterns).some((pattern) => new RegExp(pattern, "u").test(key));
}

/** The schemas a property's value must match under one schema: its `properties` entry, else `additionalProperties`. */
function propertySchemas(schema: SchemaObject, key: string): unknown[] {
  const properties = schema["properties"];
  if (isPlainObject(properties) && Object.hasOwn(properties, key)) return [properties[key]];
  if (declares(schema, key)) return [];
  const additional = schema["additionalProperties"];
  return isPlainObject(additional) ? [additional] : [];
}

/** The schemas an array item at `index` must match under one schema. */
function itemSchemas(schema: SchemaObject, index: number): unknown[] {
  const items = schema["items"];
  if (Array.isArray(items)) return index < items.length ? [items[index]] : isPlainObject(schema["additionalItems"]) ? [schema["additionalItems"]] : [];
  return isPlainObject(items) ? [items] : [];
}
