/**
 * The checker's view of a JSON Schema (draft-07, the AsyncAPI schema dialect, or 2020-12 when the
 * root's `$schema` says so: `prefixItems` and `items`, `dependentRequired`/`dependentSchemas`,
 * `contains` with `minContains`/`maxContains`, `unevaluatedProperties`/`unevaluatedItems` where
 * they act as `additionalProperties`/`additionalItems`): each schema object
 * becomes one node that says what it constrains, in the shapes Confluent's checker reasons about
 * (a typed schema, a list of types, an enum, `not`, a combinator), or a conjunction of several
 * when one object mixes them (`{type: string, enum: [...]}`). Local `$ref`s are followed lazily,
 * so recursive schemas become cyclic graphs of nodes, each schema object one node.
 */
import { isDeepStrictEqual } from "node:util";
import { escapePointerToken, isPlainObject, type JsonValue, pointerTokens } from "@evc/runtime/codegen";
import { laterDraftKeywords } from "../json-schema-keywords.js";
import { CompatibilityError } from "./errors.js";
import { structureOf } from "./structure.js";

type Raw = Record<string, unknown>;

/** The annotations of a schema object: they never change what validates, but Confluent reports their changes. */
export interface Annotations {
  readonly id: JsonValue | undefined;
  readonly title: JsonValue | undefined;
  readonly description: JsonValue | undefined;
  readonly default: JsonValue | undefined;
  readonly hasDefault: boolean;
}

/** A subschema, resolved on first use. */
export interface Child {
  node(): SchemaNode;
}

interface Base {
  /** Present on the node that stands for a whole schema object, absent on its parts. */
  readonly meta?: Annotations;
  /**
   * On the node of a whole schema object free of `$ref`: its structure id, the same for every
   * schema object written the same way (`structure.ts`), whose nodes compare alike anywhere.
   */
  readonly structure?: number;
}

/** `true`, `{}` or a schema object with nothing but annotations: every value. */
export interface EmptyNode extends Base {
  readonly kind: "empty";
}
/** `false`: no value. */
export interface FalseNode extends Base {
  readonly kind: "false";
}
/** A schema of one JSON type; `implied` when the object has no `type` and its keywords name one (`{maxLength: 3}`). */
interface TypedBase extends Base {
  readonly implied: boolean;
}
/** A string schema. */
export interface StringNode extends TypedBase {
  readonly kind: "string";
  readonly minLength: number | undefined;
  readonly maxLength: number | undefined;
  readonly pattern: string | undefined;
  readonly format: string | undefined;
}
/** A number or integer schema. */
export interface NumberNode extends TypedBase {
  readonly kind: "number";
  readonly integer: boolean;
  readonly minimum: number | undefined;
  readonly maximum: number | undefined;
  readonly exclusiveMinimum: number | undefined;
  readonly exclusiveMaximum: number | undefined;
  readonly multipleOf: number | undefined;
  readonly format: string | undefined;
}
/** A boolean or null schema. */
export interface LiteralTypeNode extends TypedBase {
  readonly kind: "boolean" | "null";
}
/** An object schema. */
export interface ObjectNode extends TypedBase {
  readonly kind: "object";
  readonly properties: ReadonlyMap<string, Child>;
  readonly required: ReadonlySet<string>;
  /** `additionalProperties` (or an `unevaluatedProperties` that acts as it); undefined when absent. */
  readonly additional: Child | undefined;
  /** The keyword `additional` was written as. */
  readonly additionalKeyword: "additionalProperties" | "unevaluatedProperties";
  readonly patterns: ReadonlyMap<string, Child>;
  /** `dependencies` with a list, or `dependentRequired`: property name → the names it requires. */
  readonly dependencyArrays: ReadonlyMap<string, Dependency<readonly string[]>>;
  /** `dependencies` with a schema, or `dependentSchemas`. */
  readonly dependencySchemas: ReadonlyMap<string, Dependency<Child>>;
  readonly minProperties: number | undefined;
  readonly maxProperties: number | undefined;
}
/** A dependency of an object schema, with the keyword it is written under. */
export interface Dependency<T> {
  readonly keyword: "dependencies" | "dependentRequired" | "dependentSchemas";
  readonly value: T;
}
/** An array schema. */
export interface ArrayNode extends TypedBase {
  readonly kind: "array";
  /** `items` as one schema for every item. */
  readonly items: Child | undefined;
  /** The tuple: `prefixItems`, or `items` as a list (draft-07). */
  readonly tuple: readonly Child[];
  /** The keyword of the tuple. */
  readonly tupleKeyword: "items" | "prefixItems";
  /** What the items after the tuple must match: `additionalItems`, `items` after `prefixItems`, or an `unevaluatedItems` that acts as either. */
  readonly additionalItems: Child | undefined;
  /** The keyword of `additionalItems`. */
  readonly additionalKeyword: "additionalItems" | "items" | "unevaluatedItems";
  /** `contains`, with the number of items that must match it (`minContains`, 1 by default) and may (`maxContains`). */
  readonly contains: Child | undefined;
  readonly minContains: number | undefined;
  readonly maxContains: number | undefined;
  readonly minItems: number | undefined;
  readonly maxItems: number | undefined;
  readonly uniqueItems: boolean;
}
/** One JSON type with its keywords. */
export type TypedNode = StringNode | NumberNode | LiteralTypeNode | ObjectNode | ArrayNode;
/** `type: [a, b]`: any of several types, each with its keywords. */
export interface TypesNode extends Base {
  readonly kind: "types";
  readonly members: readonly TypedNode[];
}
/** `enum`, or `const` (a one-value enum). */
export interface EnumNode extends Base {
  readonly kind: "enum";
  readonly keyword: "enum" | "const";
  readonly values: readonly JsonValue[];
}
/** `not`. */
export interface NotNode extends Base {
  readonly kind: "not";
  readonly schema: Child;
}
/** `allOf`, `anyOf` or `oneOf`, with repeated alternatives dropped. */
export interface CombinedNode extends Base {
  readonly kind: "combined";
  readonly criterion: Criterion;
  readonly branches: readonly Child[];
}
/** A validation keyword the checker does not analyse (`contains`, `if`, `propertyNames`, ...): compared as a value. */
export interface OpaqueNode extends Base {
  readonly kind: "opaque";
  readonly keyword: string;
  readonly value: JsonValue;
  /** What the `$ref`s inside the value lead to, transitively, as one text: a target that changed changes the keyword. */
  readonly referenced: string;
}
/** A schema object that constrains in several ways at once: every part must hold. */
export interface PartsNode extends Base {
  readonly kind: "parts";
  /** Each part under its role: `type`, `implied:<type>`, `enum`, `const`, `not`, `allOf`, `anyOf`, `oneOf`, or an opaque keyword. */
  readonly parts: ReadonlyMap<string, SchemaNode>;
}

/** A schema as the checker sees it. */
export type SchemaNode = EmptyNode | FalseNode | TypedNode | TypesNode | EnumNode | NotNode | CombinedNode | OpaqueNode | PartsNode;

/** The three combinators. */
export type Criterion = "allOf" | "anyOf" | "oneOf";

const criteria: readonly Criterion[] = ["allOf", "anyOf", "oneOf"];
const typeNames = ["string", "number", "integer", "boolean", "null", "object", "array"] as const;
type TypeName = (typeof typeNames)[number];

/** Keywords that imply a type when `type` is absent: `{maxLength: 3}` constrains strings only. */
const impliedBy: Record<"string" | "number" | "object" | "array", readonly string[]> = {
  string: ["minLength", "maxLength", "pattern", "format"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  object: ["properties", "required", "additionalProperties", "patternProperties", "dependencies", "dependentRequired", "dependentSchemas", "minProperties", "maxProperties", "unevaluatedProperties"],
  array: ["items", "prefixItems", "additionalItems", "contains", "minContains", "maxContains", "minItems", "maxItems", "uniqueItems", "unevaluatedItems"],
};

/** Validation keywords the checker does not analyse: any change to them is reported. */
const opaqueKeywords = ["propertyNames", "if", "then", "else", "$recursiveRef", "$dynamicRef"];

/**
 * Keywords that evaluate properties or items in place, from subschemas: where one is present,
 * `unevaluatedProperties`/`unevaluatedItems` depend on which subschemas matched, and are compared
 * as values; without them they act as `additionalProperties`/`additionalItems`.
 */
const inPlaceApplicators = ["allOf", "anyOf", "oneOf", "if", "then", "else", "dependentSchemas", "$ref", "$dynamicRef", "$recursiveRef"];

const emptyKey = "true";
const falseKey = "false";

/** Keys beside `$ref` that do not constrain: annotations and the places subschemas are kept. */
const notConstraining = new Set(["$ref", "$schema", "$id", "$anchor", "$comment", "$defs", "definitions", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"]);

/**
 * Keywords whose meaning depends on others of their schema object (`additionalProperties` on
 * `properties`, `then` on `if`, `items` on `prefixItems`, ...): a `$ref`'s target and the keywords
 * beside it cannot be read as one object when both have some, since each applies to its own.
 */
const adjacentKeywords = new Set([
  "properties",
  "patternProperties",
  "additionalProperties",
  "unevaluatedProperties",
  "items",
  "prefixItems",
  "additionalItems",
  "unevaluatedItems",
  "contains",
  "minContains",
  "maxContains",
  "if",
  "then",
  "else",
]);

/** The keywords that constrain beside a `$ref`, as a schema object; undefined when there are none. */
function refSiblings(raw: Raw): Raw | undefined {
  const entries = Object.entries(raw).filter(([key]) => !notConstraining.has(key) && !key.startsWith("x-"));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** Which keywords a schema is read with: draft-07's only, or those of every draft (see `CheckOptions.dialect`). */
export type SchemaDialect = "draft-07" | "any";

/** One schema document (old or new): its root, and a node per schema object, `$ref`s resolved inside it. */
export class SchemaDocument {
  readonly #root: unknown;
  readonly #dialect: SchemaDialect;
  readonly #nodes = new Map<object, SchemaNode>();
  readonly #following = new Set<object>();
  readonly #keys = new Map<object, string>();

  constructor(root: unknown, dialect: SchemaDialect = "any") {
    this.#root = root;
    this.#dialect = dialect;
  }

  /** The node of the whole document. */
  root(): SchemaNode {
    return this.node(this.#root, "#");
  }

  /** The node of a schema value found at `at` (a JSON pointer, for messages). */
  node(written: unknown, at: string): SchemaNode {
    if (written === false) return falseNode;
    if (!isPlainObject(written)) return emptyNode;
    const known = this.#nodes.get(written);
    if (known !== undefined) return known;
    const raw = this.#dialect === "draft-07" && laterDraftKeywords.some((keyword) => keyword in written) ? withoutKeys(written, laterDraftKeywords) : written;
    const built = this.#build(raw, written, at);
    this.#nodes.set(written, built);
    return built;
  }

  /** The node of a schema object (`written`) from the keywords the dialect reads of it (`raw`). */
  #build(raw: Raw, written: Raw, at: string): SchemaNode {
    const reference = raw["$ref"];
    const siblings = typeof reference === "string" ? refSiblings(raw) : undefined;
    if (siblings !== undefined) {
      // Keywords beside a $ref apply with it (2020-12 says so, and ajv applies them in every draft): one
      // schema object with the target's keywords and theirs where no keyword is in both, else both in an allOf.
      const target = this.#resolve(reference as string, at);
      const merged =
        isPlainObject(target) &&
        typeof target["$ref"] !== "string" &&
        Object.keys(siblings).every((key) => !(key in target)) &&
        !(Object.keys(siblings).some((key) => adjacentKeywords.has(key)) && Object.keys(target).some((key) => adjacentKeywords.has(key)));
      return this.node(merged ? { ...target, ...siblings } : { allOf: [{ $ref: reference }, siblings] }, at);
    }
    if (typeof reference === "string") {
      // A chain of $refs that leads back to itself validates nothing; everything else resolves to its target.
      if (this.#following.has(written)) return emptyNode;
      this.#following.add(written);
      try {
        return this.node(this.#resolve(reference, at), reference);
      } finally {
        this.#following.delete(written);
      }
    }
    return buildNode(
      raw,
      (value, path) => this.#child(value, `${at}/${path}`),
      (value) => this.#keyOf(value),
      (value) => this.#referenced(value),
    );
  }

  /** The targets of the `$ref`s a value holds and of those the targets hold, by reference, as one stable text. */
  #referenced(value: unknown): string {
    const targets = new Map<string, string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      if (!isPlainObject(node)) return;
      const reference = node["$ref"];
      if (typeof reference === "string" && !targets.has(reference)) {
        let target: unknown;
        try {
          target = this.#resolve(reference, reference);
        } catch {
          target = null;
        }
        targets.set(reference, stableText(target));
        visit(target);
      }
      for (const [key, child] of Object.entries(node)) if (key !== "$ref") visit(child);
    };
    visit(value);
    return stableText(Object.fromEntries([...targets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  }

  #child(raw: unknown, at: string): Child {
    let node: SchemaNode | undefined;
    return { node: () => (node ??= this.node(raw, at)) };
  }

  /** The subschema as written (before `$ref` resolution): identical texts are the same alternative in a combinator. */
  #keyOf(raw: unknown): string {
    if (raw === false) return falseKey;
    if (!isPlainObject(raw)) return emptyKey;
    let key = this.#keys.get(raw);
    if (key === undefined) {
      key = stableText(raw);
      this.#keys.set(raw, key);
    }
    return key;
  }

  #resolve(reference: string, at: string): unknown {
    if (!reference.startsWith("#")) {
      throw new CompatibilityError(`cannot resolve "$ref" "${reference}" at ${at}: only references inside the schema ("#/...") are supported`);
    }
    let node: unknown = this.#root;
    let fragment: string;
    try {
      fragment = decodeURIComponent(reference.slice(1));
    } catch {
      throw new CompatibilityError(`cannot resolve "$ref" "${reference}" at ${at}: it is not a valid URI fragment`);
    }
    if (fragment !== "" && !fragment.startsWith("/")) {
      throw new CompatibilityError(`cannot resolve "$ref" "${reference}" at ${at}: only JSON pointers ("#/...") are supported`);
    }
    for (const token of pointerTokens(fragment)) {
      if (Array.isArray(node) && /^\d+$/.test(token)) node = node[Number(token)];
      else if (isPlainObject(node) && Object.hasOwn(node, token)) node = node[token];
      else throw new CompatibilityError(`cannot resolve "$ref" "${reference}" at ${at}: there is nothing at "${fragment}"`);
    }
    return node;
  }
}

const emptyNode: EmptyNode = { kind: "empty" };
const falseNode: FalseNode = { kind: "false" };

type MakeChild = (raw: unknown, path: string) => Child;

function buildNode(raw: Raw, child: MakeChild, keyOf: (raw: unknown) => string, referenced: (value: unknown) => string): SchemaNode {
  const meta = annotationsOf(raw);
  const parts = new Map<string, SchemaNode>();
  // ajv reads OpenAPI's `nullable: true` beside `type` as letting null through too.
  const written = typeListOf(raw["type"]);
  const types = written !== undefined && raw["nullable"] === true && !written.includes("null") ? [...written, "null" as const] : written;
  if (types !== undefined) {
    const members = types.map((type) => typedNode(type, raw, child, false));
    parts.set("type", members.length === 1 ? (members[0] as TypedNode) : { kind: "types", members });
  } else {
    for (const [type, keywords] of Object.entries(impliedBy)) {
      if (keywords.some((keyword) => keyword in raw && !(keyword === "uniqueItems" && raw[keyword] !== true))) {
        parts.set(`implied:${type}`, typedNode(type as TypeName, raw, child, true));
      }
    }
  }
  if (Array.isArray(raw["enum"])) parts.set("enum", { kind: "enum", keyword: "enum", values: uniqueValues(raw["enum"] as JsonValue[]) });
  if ("const" in raw) parts.set(parts.has("enum") ? "const" : "enum", { kind: "enum", keyword: "const", values: [raw["const"] as JsonValue] });
  if ("not" in raw) parts.set("not", { kind: "not", schema: child(raw["not"], "not") });
  for (const criterion of criteria) {
    const list = raw[criterion];
    if (!Array.isArray(list) || list.length === 0) continue;
    // Alternatives written alike are one for allOf and anyOf; for oneOf they are two, which a value that fits one fits twice.
    const seen = new Set<string>();
    const branches: Child[] = [];
    list.forEach((item, index) => {
      const key = keyOf(item);
      if (criterion !== "oneOf" && seen.has(key)) return;
      seen.add(key);
      branches.push(child(item, `${criterion}/${index}`));
    });
    parts.set(criterion, { kind: "combined", criterion, branches });
  }
  for (const keyword of opaqueKeywords) {
    if (keyword in raw) parts.set(keyword, { kind: "opaque", keyword, value: raw[keyword] as JsonValue, referenced: referenced(raw[keyword]) });
  }
  // An `unevaluated*` that depends on which subschemas match is compared with the whole object it sits in: any change there may change what it sees.
  for (const keyword of ["unevaluatedProperties", "unevaluatedItems"] as const) {
    if (keyword in raw && unevaluatedRole(raw, keyword) === "opaque") {
      const value = withoutAnnotations(raw);
      parts.set(keyword, { kind: "opaque", keyword, value, referenced: referenced(value) });
    }
  }
  const whole = { meta, ...definedStructure(structureOf(raw)) };
  const [only] = parts.values();
  if (parts.size === 0) return { kind: "empty", ...whole };
  if (parts.size === 1 && only !== undefined) return { ...only, ...whole };
  return { kind: "parts", parts, ...whole };
}

function definedStructure(structure: number | undefined): { structure?: number } {
  return structure === undefined ? {} : { structure };
}

/**
 * What `unevaluatedProperties` (`unevaluatedItems`) of a schema object does: nothing (`ignored`)
 * beside `additionalProperties` (or an `items` that covers every item after the tuple), which
 * leaves nothing unevaluated; the same as that keyword (`rest`) when no keyword evaluates in place
 * (nor `contains`, for items); otherwise it depends on which subschemas match (`opaque`).
 */
function unevaluatedRole(raw: Raw, keyword: "unevaluatedProperties" | "unevaluatedItems"): "ignored" | "rest" | "opaque" {
  if (keyword === "unevaluatedProperties" && "additionalProperties" in raw) return "ignored";
  if (keyword === "unevaluatedItems") {
    const items = raw["items"];
    const covered = Array.isArray(raw["prefixItems"]) ? items !== undefined : Array.isArray(items) ? "additionalItems" in raw : items !== undefined;
    if (covered) return "ignored";
  }
  if (inPlaceApplicators.some((applicator) => applicator in raw)) return "opaque";
  return keyword === "unevaluatedItems" && "contains" in raw ? "opaque" : "rest";
}

/** A schema object without some of its keys. */
function withoutKeys(raw: Raw, keys: readonly string[]): Raw {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !keys.includes(key)));
}

/** A schema object without its annotations: what an opaque `unevaluated*` depends on. */
function withoutAnnotations(raw: Raw): JsonValue {
  return withoutKeys(raw, ["$id", "id", "$schema", "title", "description", "default", "examples", "$comment", "$defs", "definitions"]) as JsonValue;
}

/** The types of a `type` keyword, integer folded into number when both are listed; undefined when absent or unusable. */
function typeListOf(value: unknown): TypeName[] | undefined {
  const listed = (Array.isArray(value) ? value : [value]).filter((type): type is TypeName => typeNames.includes(type as TypeName));
  const types = [...new Set(listed)];
  if (types.length === 0) return undefined;
  return types.includes("number") ? types.filter((type) => type !== "integer") : types;
}

function typedNode(type: TypeName, raw: Raw, child: MakeChild, implied: boolean): TypedNode {
  switch (type) {
    case "string":
      return {
        kind: "string",
        implied,
        minLength: numberOf(raw["minLength"]),
        maxLength: numberOf(raw["maxLength"]),
        pattern: stringOf(raw["pattern"]),
        format: stringOf(raw["format"]),
      };
    case "number":
    case "integer":
      return numberNode(type === "integer", raw, implied);
    case "boolean":
    case "null":
      return { kind: type, implied };
    case "object":
      return objectNode(raw, child, implied);
    case "array":
      return arrayNode(raw, child, implied);
  }
}

function numberNode(integer: boolean, raw: Raw, implied: boolean): NumberNode {
  // Draft-04 spelled exclusive bounds as booleans beside minimum and maximum.
  const maximum = numberOf(raw["maximum"]);
  const minimum = numberOf(raw["minimum"]);
  const oldMax = raw["exclusiveMaximum"] === true;
  const oldMin = raw["exclusiveMinimum"] === true;
  return {
    kind: "number",
    implied,
    integer,
    maximum: oldMax ? undefined : maximum,
    minimum: oldMin ? undefined : minimum,
    exclusiveMaximum: oldMax ? maximum : numberOf(raw["exclusiveMaximum"]),
    exclusiveMinimum: oldMin ? minimum : numberOf(raw["exclusiveMinimum"]),
    multipleOf: numberOf(raw["multipleOf"]),
    format: stringOf(raw["format"]),
  };
}

function objectNode(raw: Raw, child: MakeChild, implied: boolean): ObjectNode {
  const properties = new Map<string, Child>();
  for (const [name, schema] of entriesOf(raw["properties"])) properties.set(name, child(schema, `properties/${escapePointerToken(name)}`));
  const patterns = new Map<string, Child>();
  for (const [pattern, schema] of entriesOf(raw["patternProperties"])) patterns.set(pattern, child(schema, `patternProperties/${escapePointerToken(pattern)}`));
  const dependencyArrays = new Map<string, Dependency<readonly string[]>>();
  const dependencySchemas = new Map<string, Dependency<Child>>();
  for (const keyword of ["dependencies", "dependentRequired", "dependentSchemas"] as const) {
    for (const [name, dependency] of entriesOf(raw[keyword])) {
      if (Array.isArray(dependency) && keyword !== "dependentSchemas") dependencyArrays.set(name, { keyword, value: dependency.filter((item): item is string => typeof item === "string") });
      else if (keyword !== "dependentRequired") dependencySchemas.set(name, { keyword, value: child(dependency, `${keyword}/${escapePointerToken(name)}`) });
    }
  }
  const required = Array.isArray(raw["required"]) ? raw["required"].filter((name): name is string => typeof name === "string") : [];
  const additionalKeyword = "unevaluatedProperties" in raw && unevaluatedRole(raw, "unevaluatedProperties") === "rest" ? "unevaluatedProperties" : "additionalProperties";
  return {
    kind: "object",
    implied,
    properties,
    required: new Set(required),
    additional: additionalKeyword in raw ? child(raw[additionalKeyword], additionalKeyword) : undefined,
    additionalKeyword,
    patterns,
    dependencyArrays,
    dependencySchemas,
    minProperties: numberOf(raw["minProperties"]),
    maxProperties: numberOf(raw["maxProperties"]),
  };
}

function arrayNode(raw: Raw, child: MakeChild, implied: boolean): ArrayNode {
  const items = raw["items"];
  const prefix = Array.isArray(raw["prefixItems"]) ? (raw["prefixItems"] as unknown[]) : undefined;
  // 2020-12: `prefixItems` is the tuple and `items` the rest; draft-07: `items` as a list is the tuple and `additionalItems` the rest.
  const tupleKeyword = prefix !== undefined ? "prefixItems" : "items";
  const tuple = prefix ?? (Array.isArray(items) ? items : []);
  // A draft-07 `additionalItems` beside no `items` list constrains nothing (validators ignore it), so it is not read
  // (Confluent reads it as closing the array, which let a tuple added under it pass as a widening).
  const restKeyword = prefix !== undefined ? (items !== undefined ? "items" : undefined) : Array.isArray(items) && "additionalItems" in raw ? "additionalItems" : undefined;
  const unevaluated = "unevaluatedItems" in raw && unevaluatedRole(raw, "unevaluatedItems") === "rest";
  const additionalKeyword = unevaluated ? "unevaluatedItems" : (restKeyword ?? "additionalItems");
  const hasContains = "contains" in raw;
  return {
    kind: "array",
    implied,
    items: items === undefined || Array.isArray(items) || prefix !== undefined ? undefined : child(items, "items"),
    tuple: tuple.map((item, index) => child(item, `${tupleKeyword}/${index}`)),
    tupleKeyword,
    additionalItems: restKeyword !== undefined || unevaluated ? child(raw[additionalKeyword], additionalKeyword) : undefined,
    additionalKeyword,
    contains: hasContains ? child(raw["contains"], "contains") : undefined,
    minContains: hasContains ? (numberOf(raw["minContains"]) ?? 1) : undefined,
    maxContains: hasContains ? numberOf(raw["maxContains"]) : undefined,
    minItems: numberOf(raw["minItems"]),
    maxItems: numberOf(raw["maxItems"]),
    uniqueItems: raw["uniqueItems"] === true,
  };
}

function annotationsOf(raw: Raw): Annotations {
  return {
    id: (raw["$id"] ?? raw["id"]) as JsonValue | undefined,
    title: raw["title"] as JsonValue | undefined,
    description: raw["description"] as JsonValue | undefined,
    default: raw["default"] as JsonValue | undefined,
    hasDefault: "default" in raw,
  };
}

function entriesOf(value: unknown): [string, unknown][] {
  return isPlainObject(value) ? Object.entries(value) : [];
}

function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function uniqueValues(values: readonly JsonValue[]): JsonValue[] {
  const unique: JsonValue[] = [];
  for (const value of values) if (!unique.some((seen) => isDeepStrictEqual(seen, value))) unique.push(value);
  return unique;
}

const typedKinds: ReadonlySet<SchemaNode["kind"]> = new Set(["string", "number", "boolean", "null", "object", "array"]);

/** True for a schema of one JSON type with its keywords. */
export function isTypedNode(node: SchemaNode): node is TypedNode {
  return typedKinds.has(node.kind);
}

/** A text of a JSON value with object keys sorted, so that equal values have equal texts. */
export function stableText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableText).join(",")}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableText(value[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
