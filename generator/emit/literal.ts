/** JSON values as TypeScript expressions that evaluate back to exactly the same JSON, whatever the spec holds. */

/** Names an object of the value that is written as an expression (a shared constant) instead of a literal. */
export type LiteralSubstitute = (value: object) => string | undefined;

/**
 * Print a JSON value as a TypeScript expression: an object or array whose items are all scalars on
 * one line when that line is short, else one item per line. Keys and strings are JSON string
 * literals; a `__proto__` key is written computed (`["__proto__"]`), because a literal one would set
 * the object's prototype instead of creating the property. With `substitute`, an object it names
 * (below the top) is written as that expression.
 */
export function jsonLiteral(value: unknown, indent = "", substitute?: LiteralSubstitute): string {
  return literal(value, indent, substitute, true);
}

function literal(value: unknown, indent: string, substitute: LiteralSubstitute | undefined, top: boolean): string {
  if (value === null || typeof value !== "object") return scalar(value);
  const named = top || substitute === undefined ? undefined : substitute(value);
  if (named !== undefined) return named;
  const inner = `${indent}  `;
  const items: [string | undefined, unknown][] = Array.isArray(value) ? value.map((item) => [undefined, item]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (items.length === 0) return `${open}${close}`;
  const entry = ([key, item]: [string | undefined, unknown], itemIndent: string) =>
    `${key === undefined ? "" : `${literalKey(key)}: `}${literal(item, itemIndent, substitute, false)}`;
  if (items.every(([, item]) => item === null || typeof item !== "object")) {
    const pad = Array.isArray(value) ? "" : " ";
    const flat = `${open}${pad}${items.map((item) => entry(item, inner)).join(", ")}${pad}${close}`;
    if (flat.length <= 100) return flat;
  }
  return `${open}\n${items.map((item) => `${inner}${entry(item, inner)}`).join(",\n")},\n${indent}${close}`;
}

function literalKey(key: string): string {
  return key === "__proto__" ? '["__proto__"]' : JSON.stringify(key);
}

/** A scalar as JSON writes it; `undefined` (a setting the spec leaves out, which JSON leaves out too) as `undefined`, not `null`, which the model's types do not take. */
function scalar(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && !Number.isFinite(value)) return "null";
  return JSON.stringify(value) ?? "null";
}
