/** JSON values as TypeScript expressions that evaluate back to exactly the same JSON, whatever the spec holds. */

/**
 * Print a JSON value as a TypeScript expression, one property per line. Keys and strings are JSON
 * string literals; a `__proto__` key is written computed (`["__proto__"]`), because a literal one
 * would set the object's prototype instead of creating the property.
 */
export function jsonLiteral(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return scalar(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((item) => item === null || typeof item !== "object")) {
      const flat = `[${value.map(scalar).join(", ")}]`;
      if (flat.length <= 100) return flat;
    }
    return `[\n${value.map((item) => `${inner}${jsonLiteral(item, inner)}`).join(",\n")},\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([key, item]) => `${inner}${literalKey(key)}: ${jsonLiteral(item, inner)}`).join(",\n")},\n${indent}}`;
}

function literalKey(key: string): string {
  return key === "__proto__" ? '["__proto__"]' : JSON.stringify(key);
}

function scalar(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return "null";
  return JSON.stringify(value) ?? "null";
}
