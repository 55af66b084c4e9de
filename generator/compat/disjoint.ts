/**
 * A prover of disjointness: true when no value can match both schemas (different JSON types,
 * enums without a common value, number ranges apart, objects whose required discriminator fields
 * are disjoint, a closed object lacking a field the other requires). False means "cannot tell".
 */
import { isDeepStrictEqual } from "node:util";
import { isTypedNode, type NumberNode, type ObjectNode, type SchemaNode } from "./schema-node.js";

type JsonType = "null" | "boolean" | "number" | "string" | "object" | "array";

const allTypes: ReadonlySet<JsonType> = new Set(["null", "boolean", "number", "string", "object", "array"]);
const maxDepth = 8;

/** True when no value matches both schemas, as far as the prover can tell. */
export function provablyDisjoint(a: SchemaNode, b: SchemaNode, depth = 0): boolean {
  if (depth > maxDepth) return false;
  const shared = [...typesOf(a)].filter((type) => typesOf(b).has(type));
  if (shared.length === 0) return true;
  const valuesA = enumValues(a);
  const valuesB = enumValues(b);
  if (valuesA !== undefined && valuesB !== undefined && !valuesA.some((value) => valuesB.some((other) => isDeepStrictEqual(value, other)))) return true;
  for (const [one, other] of [
    [a, b],
    [b, a],
  ] as const) {
    if (one.kind === "combined") {
      const branches = one.branches.map((branch) => branch.node());
      if (one.criterion === "allOf" ? branches.some((branch) => provablyDisjoint(branch, other, depth + 1)) : branches.every((branch) => provablyDisjoint(branch, other, depth + 1))) return true;
    }
  }
  const rangeA = numberOf(a);
  const rangeB = numberOf(b);
  if (rangeA !== undefined && rangeB !== undefined && (below(rangeA, rangeB) || below(rangeB, rangeA))) return true;
  const objectA = objectOf(a);
  const objectB = objectOf(b);
  return objectA !== undefined && objectB !== undefined && (objectsDisjoint(objectA, objectB, depth) || objectsDisjoint(objectB, objectA, depth));
}

/** True when every number `a` allows is below every number `b` allows. */
function below(a: NumberNode, b: NumberNode): boolean {
  const top = Math.min(a.maximum ?? Infinity, a.exclusiveMaximum ?? Infinity);
  const bottom = Math.max(b.minimum ?? -Infinity, b.exclusiveMinimum ?? -Infinity);
  const touching = a.maximum !== undefined && a.maximum === top && b.minimum !== undefined && b.minimum === bottom;
  return top < bottom || (top === bottom && !touching);
}

/** A field both require with disjoint schemas (a discriminator), or one `a` requires that closed `b` cannot hold. */
function objectsDisjoint(a: ObjectNode, b: ObjectNode, depth: number): boolean {
  for (const name of a.required) {
    const mine = a.properties.get(name)?.node();
    const theirs = b.properties.get(name)?.node();
    if (theirs === undefined && b.patterns.size === 0 && b.additional?.node().kind === "false") return true;
    if (theirs?.kind === "false") return true;
    if (mine !== undefined && theirs !== undefined && b.required.has(name) && provablyDisjoint(mine, theirs, depth + 1)) return true;
  }
  return false;
}

/** The JSON types a schema allows; a schema met again inside itself (a cycle) allows any, which is the safe answer. */
function typesOf(node: SchemaNode, seen: ReadonlySet<SchemaNode> = new Set()): ReadonlySet<JsonType> {
  if (seen.has(node)) return allTypes;
  const inside = new Set([...seen, node]);
  if (isTypedNode(node)) return node.implied ? allTypes : new Set([node.kind]);
  switch (node.kind) {
    case "false":
      return new Set();
    case "types":
      return new Set(node.members.map((member) => member.kind));
    case "enum":
      return new Set(node.values.map(typeOfValue));
    case "combined": {
      const sets = node.branches.map((branch) => typesOf(branch.node(), inside));
      return node.criterion === "allOf" ? intersect(sets) : new Set(sets.flatMap((set) => [...set]));
    }
    case "parts":
      return intersect([...node.parts.values()].map((part) => typesOf(part, inside)));
    default:
      return allTypes;
  }
}

function enumValues(node: SchemaNode): readonly unknown[] | undefined {
  if (node.kind === "enum") return node.values;
  if (node.kind === "parts") {
    const part = node.parts.get("enum");
    return part?.kind === "enum" ? part.values : undefined;
  }
  return undefined;
}

/** The object schema a schema requires values to match, if it requires objects. */
function objectOf(node: SchemaNode): ObjectNode | undefined {
  const typed = declaredType(node);
  return typed?.kind === "object" ? typed : undefined;
}

/** The number schema a schema requires values to match, if it requires numbers. */
function numberOf(node: SchemaNode): NumberNode | undefined {
  const typed = declaredType(node);
  return typed?.kind === "number" ? typed : undefined;
}

function declaredType(node: SchemaNode): SchemaNode | undefined {
  const typed = node.kind === "parts" ? node.parts.get("type") : node;
  return typed !== undefined && isTypedNode(typed) && !typed.implied ? typed : undefined;
}

function typeOfValue(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as JsonType;
}

function intersect(sets: readonly ReadonlySet<JsonType>[]): ReadonlySet<JsonType> {
  return new Set([...allTypes].filter((type) => sets.every((set) => set.has(type))));
}
