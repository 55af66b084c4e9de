/**
 * A payload schema as a table of fields a person can read: every property (through `allOf` and local
 * `$ref`s, nested objects as dotted paths, array items as `[]`), with its type, whether it is
 * required, its description and its constraints.
 */
import { isPlainObject, type JsonSchema } from "@evc/runtime/codegen";

/** One row of a fields table. */
export interface FieldRow {
  /** The dotted path from the payload's root: `data.createdBy`, `data.items[].sku`. */
  readonly name: string;
  /** The type as a person reads it: `string`, `integer`, `"record-created"`, `array of object`, `string | null`. */
  readonly type: string;
  readonly required: boolean;
  readonly description: string | undefined;
  /** The constraints, each as `keyword value`: `minLength 1`, `format uuid`. */
  readonly constraints: readonly string[];
}

type Node = Record<string, unknown>;

const constraintKeywords = [
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "default",
] as const;

/** The fields of a payload schema, in declaration order, parents before their children. */
export function fieldRows(schema: JsonSchema): FieldRow[] {
  const rows: FieldRow[] = [];
  const root = isPlainObject(schema) ? (schema as Node) : {};
  const visit = (node: Node, prefix: string, seen: ReadonlySet<Node>): void => {
    const merged = mergeParts(node, root);
    for (const [name, property] of merged.properties) {
      const path = prefix === "" ? name : `${prefix}.${name}`;
      const parts = property.map((part) => resolve(part, root));
      rows.push({
        name: path,
        type: typeText(parts, root),
        required: merged.required.has(name),
        description: parts.map((part) => part["description"]).find((text): text is string => typeof text === "string"),
        constraints: constraintsOf(parts),
      });
      for (const part of parts) {
        if (seen.has(part)) continue;
        const next = new Set([...seen, part]);
        visit(part, path, next);
        const items = isPlainObject(part["items"]) ? resolve(part["items"] as Node, root) : undefined;
        if (items !== undefined && !seen.has(items)) visit(items, `${path}[]`, new Set([...next, items]));
      }
    }
  };
  visit(root, "", new Set([root]));
  return rows;
}

/** The properties and required names of a schema, merged across its `allOf` parts. */
function mergeParts(node: Node, root: Node): { properties: Map<string, Node[]>; required: Set<string> } {
  const properties = new Map<string, Node[]>();
  const required = new Set<string>();
  const add = (part: Node, depth: number): void => {
    if (depth > 16) return;
    const resolved = resolve(part, root);
    if (isPlainObject(resolved["properties"])) {
      for (const [name, property] of Object.entries(resolved["properties"] as Node)) {
        if (isPlainObject(property)) properties.set(name, [...(properties.get(name) ?? []), property as Node]);
      }
    }
    if (Array.isArray(resolved["required"])) for (const name of resolved["required"]) if (typeof name === "string") required.add(name);
    if (Array.isArray(resolved["allOf"])) for (const sub of resolved["allOf"]) if (isPlainObject(sub)) add(sub as Node, depth + 1);
  };
  add(node, 0);
  return { properties, required };
}

/** Follow a local `$ref` (`#/definitions/X`) to its schema; other schemas are returned as they are. */
function resolve(node: Node, root: Node): Node {
  let current = node;
  for (let hops = 0; hops < 16 && typeof current["$ref"] === "string" && current["$ref"].startsWith("#/"); hops++) {
    let target: unknown = root;
    for (const token of current["$ref"].slice(2).split("/")) {
      target = isPlainObject(target) ? target[token.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    }
    if (!isPlainObject(target)) return current;
    current = target as Node;
  }
  return current;
}

function typeText(parts: readonly Node[], root: Node): string {
  for (const part of parts) if ("const" in part) return JSON.stringify(part["const"]);
  for (const part of parts) if (Array.isArray(part["enum"])) return part["enum"].map((value) => JSON.stringify(value)).join(" | ");
  for (const part of parts) {
    const type = part["type"];
    if (type === "array") {
      const items = isPlainObject(part["items"]) ? resolve(part["items"] as Node, root) : undefined;
      return items === undefined ? "array" : `array of ${typeText([items], root)}`;
    }
    if (typeof type === "string") return type;
    if (Array.isArray(type)) return type.join(" | ");
  }
  for (const part of parts) {
    const choices = part["oneOf"] ?? part["anyOf"];
    if (Array.isArray(choices)) return choices.filter(isPlainObject).map((choice) => typeText([resolve(choice as Node, root)], root)).join(" | ");
  }
  return "any";
}

function constraintsOf(parts: readonly Node[]): string[] {
  const found: string[] = [];
  for (const part of parts) {
    for (const keyword of constraintKeywords) if (keyword in part) found.push(`${keyword} ${valueText(part[keyword])}`);
    if (part["additionalProperties"] === false) found.push("no additional properties");
  }
  return [...new Set(found)];
}

function valueText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
