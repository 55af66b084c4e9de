/**
 * Turns a payload schema as the parser resolves it (a graph: `$ref`s replaced by shared objects,
 * cycles as object cycles, `x-parser-*` annotations) into two trees:
 * - a self-contained JSON Schema for ajv and the registry (cycles through `definitions`), and
 * - the same schema with every model-worthy subschema titled with its final model name, for
 *   Modelina, so that no model is ever called `AnonymousSchema_N`.
 * Names come from the spec's own component names where it has them, else from the path
 * (`RecordCreatedV2Data`, `CodegenCompletedV1DataManifestsItem`).
 */
import { isPlainObject, type JsonObject, type JsonValue, setOwn } from "@evc/runtime/codegen";
import { reservedTypeNames, typeName } from "./naming.js";
import { draft07Subschemas } from "./json-schema-keywords.js";

type Graph = Record<string, unknown>;

/**
 * Hands out model names, unique across the whole output: a schema seen before (same content) keeps
 * the name it got first, a different schema never gets a taken name.
 */
export class ModelNamer {
  readonly #owner = new Map<string, string>();
  readonly #nameOf = new Map<string, string>();

  /** Keep a name away from models (a class, a contract constant). */
  reserve(name: string): void {
    this.#owner.set(name, "\u0000reserved");
  }

  /** The name for a schema with the given content key: the candidate if free or already this schema's, else a numbered variant. */
  claim(candidate: string, contentKey: string): string {
    const known = this.#nameOf.get(contentKey);
    if (known !== undefined) return known;
    const base = reservedTypeNames.has(candidate) ? `${candidate}Model` : candidate;
    for (let attempt = 1; ; attempt++) {
      const name = attempt === 1 ? base : `${base}${attempt}`;
      const owner = this.#owner.get(name);
      if (owner === undefined) {
        this.#owner.set(name, contentKey);
        this.#nameOf.set(contentKey, name);
        return name;
      }
    }
  }
}

/** The two trees made from one payload schema. */
export interface BundledSchema {
  readonly schema: JsonObject | boolean;
  readonly named: JsonObject;
}

/** Bundle a resolved payload graph; `rootName` is the event's class name. */
export function bundleSchema(root: unknown, rootName: string, namer: ModelNamer): BundledSchema {
  if (typeof root === "boolean") return { schema: root, named: { title: rootName } };
  if (!isPlainObject(root)) return { schema: true, named: { title: rootName } };
  const bundler = new Bundler(root, cycleTargets(root), namer);
  const top = bundler.schema(root, rootName, { isRoot: true });
  const schema = top.plain as JsonObject;
  const named = top.named as JsonObject;
  if (bundler.definitions.size > 0) {
    const plainDefinitions: JsonObject = {};
    const namedDefinitions: JsonObject = {};
    for (const [name, emitted] of bundler.definitions) {
      // The root's shape is Modelina's alone: ajv reads `#` itself.
      if (name !== bundler.rootShape) setOwn(plainDefinitions, name, emitted.plain);
      setOwn(namedDefinitions, name, emitted.named);
    }
    if (Object.keys(plainDefinitions).length > 0) schema["definitions"] = { ...(schema["definitions"] as JsonObject | undefined), ...plainDefinitions };
    named["definitions"] = { ...(named["definitions"] as JsonObject | undefined), ...namedDefinitions };
  }
  return { schema, named };
}

interface Emitted {
  plain: JsonValue;
  named: JsonValue;
}

const childSchemaNames: Record<string, string> = {
  items: "Item",
  additionalItems: "Item",
  additionalProperties: "Value",
  contains: "Contains",
  not: "Not",
  if: "If",
  then: "Then",
  else: "Else",
  propertyNames: "Key",
};
const schemaListKeywords = new Set(draft07Subschemas.lists);
const schemaMapKeywords = new Set(draft07Subschemas.maps);
const droppedKeywords = new Set(["$id", "id", "$schema"]);

class Bundler {
  readonly definitions = new Map<string, Emitted>();
  /**
   * The name of the root's shape where the payload refers back to its root (`$ref: "#"`): in the named
   * tree such a `$ref` points at a definition of the root under a model name of its own, so that
   * Modelina types it as the payload's JSON (an interface, the same one wherever the schema is nested)
   * rather than as the event's class, whose methods the JSON does not have.
   */
  rootShape: string | undefined;
  readonly #cyclic: Set<Graph>;
  readonly #namer: ModelNamer;
  readonly #names = new Map<Graph, string>();
  readonly #definitionOf = new Map<Graph, string>();
  readonly #root: Graph;

  constructor(root: Graph, cyclic: Set<Graph>, namer: ModelNamer) {
    this.#root = root;
    this.#cyclic = cyclic;
    this.#namer = namer;
  }

  schema(node: unknown, hint: string, at: { isRoot?: boolean; mergePart?: boolean; definitionBody?: boolean; shape?: boolean } = {}): Emitted {
    if (!isPlainObject(node)) return { plain: copyJson(node), named: copyJson(node) };
    if (node === this.#root && !at.isRoot && !at.shape) return { plain: { $ref: "#" }, named: { $ref: `#/definitions/${this.#shapeOfRoot(hint)}` } };
    const name = at.mergePart || at.shape ? hint : this.#nameOf(node, hint, at.isRoot === true);
    if (this.#cyclic.has(node) && !at.isRoot && !at.definitionBody && !at.shape) {
      const ref = { $ref: `#/definitions/${this.#define(node, name)}` };
      return { plain: ref, named: { ...ref } };
    }
    const plain: JsonObject = {};
    const named: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-parser-") || droppedKeywords.has(key)) continue;
      const child = this.#keyword(key, value, name);
      setOwn(plain, key, child.plain);
      setOwn(named, key, child.named);
    }
    // The root always takes the class name, so that Modelina names the payload's model after the class whatever its type (a string, an array).
    if (!at.mergePart && (isModelSchema(node) || at.isRoot === true || at.shape === true)) named["title"] = name;
    return { plain, named };
  }

  #keyword(key: string, value: unknown, name: string): Emitted {
    if (schemaListKeywords.has(key) && Array.isArray(value)) {
      const items = value.map((item, index) =>
        key === "allOf"
          ? this.schema(item, name, { mergePart: true })
          : this.schema(item, `${name}${key === "items" ? "Item" : "Option"}${index + 1}`),
      );
      return { plain: items.map((item) => item.plain), named: items.map((item) => item.named) };
    }
    if (key === "required" && Array.isArray(value)) return { plain: copyJson(value), named: value.map((item) => (typeof item === "string" ? modelinaKey(item) : copyJson(item))) };
    if (schemaMapKeywords.has(key) && isPlainObject(value)) {
      const plain: JsonObject = {};
      const named: JsonObject = {};
      Object.entries(value).forEach(([child, schema], index) => {
        const hint =
          key === "properties"
            ? `${name}${typeName(child, "Field")}`
            : key === "patternProperties"
              ? `${name}Value${index === 0 ? "" : index + 1}`
              : key === "dependencies"
                ? `${name}${typeName(child, "Field")}Dependency`
                : typeName(child);
        const emitted = Array.isArray(schema) ? { plain: copyJson(schema), named: copyJson(schema) } : this.schema(schema, hint);
        setOwn(plain, child, emitted.plain);
        setOwn(named, namedKey(key, child), emitted.named);
      });
      return { plain, named };
    }
    const suffix = childSchemaNames[key];
    if (suffix !== undefined && (isPlainObject(value) || typeof value === "boolean")) return this.schema(value, `${name}${suffix}`);
    return { plain: copyJson(value), named: copyJson(value) };
  }

  #nameOf(node: Graph, hint: string, isRoot: boolean): string {
    const known = this.#names.get(node);
    if (known !== undefined) return known;
    const name = isRoot ? hint : isModelSchema(node) ? this.#namer.claim(candidateName(node, hint), contentKey(node)) : candidateName(node, hint);
    this.#names.set(node, name);
    return name;
  }

  /** The name of the root's shape, defined the first time a `$ref` back to the root asks (`hint`: that `$ref`'s path). */
  #shapeOfRoot(hint: string): string {
    if (this.rootShape !== undefined) return this.rootShape;
    const name = this.#namer.claim(candidateName(this.#root, hint), contentKey(this.#root));
    this.rootShape = name;
    this.definitions.set(name, { plain: {}, named: {} });
    this.definitions.set(name, this.schema(this.#root, name, { shape: true }));
    return name;
  }

  #define(node: Graph, name: string): string {
    const existing = this.#definitionOf.get(node);
    if (existing !== undefined) return existing;
    this.#definitionOf.set(node, name);
    this.definitions.set(name, { plain: {}, named: {} });
    this.definitions.set(name, this.schema(node, name, { definitionBody: true }));
    return name;
  }
}

/**
 * Visit every subschema below the top of a bundled schema, children before their parent, with its
 * counterpart in the named tree (`undefined` where there is none).
 */
export function forEachSubschema(plain: unknown, named: unknown, visit: (node: unknown, named: unknown) => void): void {
  if (!isPlainObject(plain)) return;
  const namedNode = isPlainObject(named) ? named : {};
  const own = (object: unknown, key: string) => (isPlainObject(object) && Object.hasOwn(object, key) ? object[key] : undefined);
  const walk = (child: unknown, namedChild: unknown) => {
    forEachSubschema(child, namedChild, visit);
    visit(child, namedChild);
  };
  for (const [key, value] of Object.entries(plain)) {
    const namedValue = own(namedNode, key);
    if (schemaListKeywords.has(key) && Array.isArray(value)) {
      value.forEach((item, index) => walk(item, Array.isArray(namedValue) ? namedValue[index] : undefined));
    } else if (schemaMapKeywords.has(key) && isPlainObject(value)) {
      for (const [child, schema] of Object.entries(value)) walk(schema, own(namedValue, namedKey(key, child)));
    } else if (Object.hasOwn(childSchemaNames, key) && (isPlainObject(value) || typeof value === "boolean")) {
      walk(value, namedValue);
    }
  }
}

/** What marks a property name in the named tree as escaped (`modelinaKey`). */
const escapeMark = "$evc:";

/**
 * A property name as the named tree (Modelina's input) holds it, under `properties` and in `required`.
 * Modelina keeps an object's properties in a plain object, where a name of `Object.prototype`
 * (`constructor`, `toString`, `valueOf`) finds the inherited member, into which Modelina merges the
 * property: one model shared by every object with that name, typed as the union of them all (and the
 * global member changed). Such a name, and one that starts with the mark, gets the mark before it.
 */
export function modelinaKey(name: string): string {
  return name in Object.prototype || name.startsWith(escapeMark) ? `${escapeMark}${name}` : name;
}

/** The property name a key of the named tree stands for: `modelinaKey` undone. */
export function propertyName(key: string): string {
  return key.startsWith(escapeMark) ? key.slice(escapeMark.length) : key;
}

/** The key of a schema map's entry (`keyword`: `properties`, `definitions`, ...) in the named tree. */
function namedKey(keyword: string, child: string): string {
  return keyword === "properties" ? modelinaKey(child) : child;
}

/** True for subschemas that become a model of their own: objects, enums and unions. */
function isModelSchema(node: Graph): boolean {
  const type = node["type"];
  return (
    type === "object" ||
    (Array.isArray(type) && type.includes("object")) ||
    "properties" in node ||
    "enum" in node ||
    "oneOf" in node ||
    "anyOf" in node ||
    "allOf" in node
  );
}

/** The name a schema's model would have: its component's name, else its title when short, else `hint` (its path). */
function candidateName(node: Graph, hint: string): string {
  const id = node["x-parser-schema-id"];
  const title = node["title"];
  if (typeof id === "string" && !id.startsWith("<")) return typeName(lastSegment(id));
  return typeof title === "string" && pascalWords(title) <= 6 ? typeName(title, hint) : hint;
}

/** How many words a title has; a long title is a sentence, not a name. */
function pascalWords(title: string): number {
  return title.split(/[^A-Za-z0-9]+/).filter((word) => word !== "").length;
}

function lastSegment(id: string): string {
  const segment = id.split(/[/#:]/).filter((part) => part !== "").at(-1) ?? id;
  return segment.replace(/\.(json|ya?ml)$/i, "");
}

/** Objects reached again while they are still being walked: the entry points of cycles. */
function cycleTargets(root: Graph): Set<Graph> {
  const targets = new Set<Graph>();
  const onPath = new Set<object>();
  const done = new Set<object>();
  const walk = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    if (onPath.has(value)) {
      if (isPlainObject(value)) targets.add(value);
      return;
    }
    if (done.has(value)) return;
    onPath.add(value);
    for (const child of Object.values(value)) walk(child);
    onPath.delete(value);
    done.add(value);
  };
  walk(root);
  return targets;
}

/** A stable text of a schema graph, with cycles cut, that tells two schemas apart. */
function contentKey(node: Graph): string {
  const onPath = new Set<object>();
  const text = (value: unknown): string => {
    if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
    if (onPath.has(value)) return '"<cycle>"';
    onPath.add(value);
    const out = Array.isArray(value)
      ? `[${value.map(text).join(",")}]`
      : `{${Object.keys(value)
          .filter((key) => !key.startsWith("x-parser-"))
          .sort()
          .map((key) => `${JSON.stringify(key)}:${text((value as Graph)[key])}`)
          .join(",")}}`;
    onPath.delete(value);
    return out;
  };
  return text(node);
}

/** A deep copy of JSON data (examples, enums, defaults); a cycle, which JSON cannot hold, is cut to null. */
function copyJson(value: unknown, onPath = new Set<object>()): JsonValue {
  if (typeof value !== "object" || value === null) return value === undefined ? null : (value as JsonValue);
  if (onPath.has(value)) return null;
  onPath.add(value);
  let copy: JsonValue;
  if (Array.isArray(value)) {
    copy = value.map((item) => copyJson(item, onPath));
  } else {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) setOwn(out, key, copyJson(child, onPath));
    copy = out;
  }
  onPath.delete(value);
  return copy;
}
