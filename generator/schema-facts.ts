/** Facts read off a bundled payload schema: its properties (through `allOf`), the values it pins with `const`, and whether it takes keys it does not name. */
import { isPlainObject, type JsonObject, type JsonSchema, type JsonValue } from "@evc/runtime/codegen";

/** Every property schema the payload declares, merged across `allOf` parts. */
export function propertySchemas(schema: JsonSchema): Map<string, JsonObject[]> {
  const found = new Map<string, JsonObject[]>();
  const visit = (node: unknown, depth: number): void => {
    if (!isPlainObject(node) || depth > 8) return;
    if (isPlainObject(node["properties"])) {
      for (const [name, property] of Object.entries(node["properties"])) {
        if (!isPlainObject(property)) continue;
        found.set(name, [...(found.get(name) ?? []), property as JsonObject]);
      }
    }
    if (Array.isArray(node["allOf"])) for (const part of node["allOf"]) visit(part, depth + 1);
  };
  visit(schema, 0);
  return found;
}

/** The value a payload pins for a top-level property with `const` (or a one-value `enum`), if any. */
export function pinnedValue(properties: Map<string, JsonObject[]>, name: string): JsonValue | undefined {
  for (const property of properties.get(name) ?? []) {
    if ("const" in property) return property["const"];
    const values = property["enum"];
    if (Array.isArray(values) && values.length === 1) return values[0];
  }
  return undefined;
}

/**
 * Whether a payload lets through keys its schema does not name: every payload but one whose root
 * says `additionalProperties: false` and has no `patternProperties`.
 */
export function takesExtraKeys(schema: JsonSchema): boolean {
  return !isPlainObject(schema) || schema["additionalProperties"] !== false || "patternProperties" in schema;
}

/** The envelope fields an evc event carries at its top level. */
export const envelopeFields = ["id", "type", "version", "aggregateId", "aggregateType", "timestamp"] as const;

/** True when the payload declares every envelope field. */
export function isEnvelope(properties: Map<string, JsonObject[]>): boolean {
  return envelopeFields.every((field) => properties.has(field));
}
