/**
 * Compatibility of a new schema with earlier ones under Confluent Schema Registry's modes:
 * BACKWARD (new readers read old events: walk from each old schema to the new one), FORWARD (old
 * readers read new events: walk from the new schema to each old one), FULL (both), each against
 * the latest earlier schema or, `_TRANSITIVE`, against all; NONE checks nothing.
 */
import { compatibilityModes as specModes } from "../own-schemas.js";
import type { CompatibilityMode, JsonSchema } from "@evc/runtime/codegen";
import { SchemaDiffer, type CompatibilityPolicy } from "./differ.js";
import type { Difference } from "./difference.js";
import { findingMessage, pathText, type Roles } from "./format.js";
import { isCompatibleUnder, mirrorOf, type RuleId } from "./rules.js";
import { SchemaDocument, type SchemaDialect } from "./schema-node.js";

/** Which readers a change breaks: BACKWARD, readers of the new schema reading old events; FORWARD, readers of the old schema reading new ones. */
export type CompatibilityDirection = "BACKWARD" | "FORWARD";

/** Every compatibility mode, in the order users know them. */
export const compatibilityModes: readonly CompatibilityMode[] = specModes;

/** One breaking change: its rule (named as a change from old to new), where, which readers it breaks, and a message. */
export interface CompatibilityFinding {
  readonly rule: RuleId;
  /** JSON pointer fragment into the schemas, `#/properties/data/properties/createdBy`. */
  readonly path: string;
  /** The path's tokens, to locate it in a source file. */
  readonly tokens: readonly string[];
  readonly breaks: readonly CompatibilityDirection[];
  readonly message: string;
  /** Which earlier schema it is about: an index into the `previous` list given to `checkCompatibility`. */
  readonly against: number;
}

/** The answer of a compatibility check. */
export interface CompatibilityReport {
  readonly mode: CompatibilityMode;
  readonly policy: CompatibilityPolicy;
  readonly compatible: boolean;
  readonly findings: readonly CompatibilityFinding[];
}

/** How to check: the mode, the policy, and the dialect the schemas are validated in. */
export interface CheckOptions {
  readonly mode: CompatibilityMode;
  readonly policy: CompatibilityPolicy;
  /**
   * `"draft-07"`: the schemas are validated as draft-07 (AsyncAPI's schema dialect, and what the
   * generated validators use), whose validators ignore the keywords later drafts added
   * (`unevaluatedProperties`, `dependentRequired`, `prefixItems`, ...), so the checker ignores them
   * too. `"any"` (the default): each keyword is read with the meaning of the draft that defines it.
   */
  readonly dialect: SchemaDialect;
}

/** Confluent's defaults: BACKWARD, strict; every keyword read. */
export function defaultCheckOptions(): CheckOptions {
  return { mode: "BACKWARD", policy: "strict", dialect: "any" };
}

/**
 * The dialect schemas are validated in, from their `$schema`: draft-07 when one names draft-04, -06
 * or -07 and none names a later draft; otherwise every keyword is read (`"any"`).
 */
export function declaredDialect(schemas: readonly JsonSchema[]): SchemaDialect {
  const declared = schemas.flatMap((schema) => (typeof schema === "object" && schema !== null && typeof schema["$schema"] === "string" ? [schema["$schema"]] : []));
  return declared.length > 0 && declared.every((uri) => /json-schema\.org\/draft-0[4-7]\/schema/.test(uri)) ? "draft-07" : "any";
}

/** The directions a mode checks. */
export function directionsOf(mode: CompatibilityMode): CompatibilityDirection[] {
  if (mode === "NONE") return [];
  if (mode.startsWith("BACKWARD")) return ["BACKWARD"];
  if (mode.startsWith("FORWARD")) return ["FORWARD"];
  return ["BACKWARD", "FORWARD"];
}

/** True for the `_TRANSITIVE` modes, which check against every earlier schema, not only the latest. */
export function isTransitive(mode: CompatibilityMode): boolean {
  return mode.endsWith("_TRANSITIVE");
}

/**
 * Check `next` against the earlier schemas (oldest first) under a mode and policy. Throws
 * `CompatibilityError` when a schema has a `$ref` that does not resolve inside it. Schemas are
 * read as values: each object is read once, so change a schema by passing a new object.
 */
export function checkCompatibility(previous: readonly JsonSchema[], next: JsonSchema, options: Partial<CheckOptions> = {}): CompatibilityReport {
  const { mode, policy, dialect } = { ...defaultCheckOptions(), ...options };
  const directions = directionsOf(mode);
  const first = isTransitive(mode) ? 0 : Math.max(0, previous.length - 1);
  const nextRoot = documentOf(next, dialect).root();
  const findings = new Map<string, { finding: CompatibilityFinding; breaks: Set<CompatibilityDirection> }>();
  for (let against = first; against < previous.length && directions.length > 0; against++) {
    const oldRoot = documentOf(previous[against] ?? true, dialect).root();
    const differ = new SchemaDiffer(policy);
    for (const direction of directions) {
      const backward = direction === "BACKWARD";
      const walked = backward ? differ.compare(oldRoot, nextRoot) : differ.compare(nextRoot, oldRoot);
      for (const found of walked) {
        if (isCompatibleUnder(found.rule, policy)) continue;
        const rule = backward ? found.rule : (found.mirror ?? mirrorOf(found.rule));
        const path = pathText(found.path);
        const key = `${against}\u0000${rule}\u0000${path}`;
        const known = findings.get(key);
        // The same change found both ways is one finding, its message written once.
        if (known === undefined) findings.set(key, { finding: toFinding(found, rule, path, direction, against), breaks: new Set([direction]) });
        else known.breaks.add(direction);
      }
    }
  }
  const list = [...findings.values()]
    .map(({ finding, breaks }) => ({ ...finding, breaks: directions.filter((direction) => breaks.has(direction)) }))
    .sort((a, b) => a.against - b.against || compareText(a.path, b.path) || compareText(a.rule, b.rule));
  return { mode, policy, compatible: list.length === 0, findings: list };
}

/**
 * Every difference Confluent's checker would list from `original` (the writer's schema) to `update`
 * (the reader's), compatible ones included, as `RULE #/path`: the form of its published test cases.
 */
export function diffSchemas(original: JsonSchema, update: JsonSchema, policy: CompatibilityPolicy = "strict"): string[] {
  const differ = new SchemaDiffer(policy);
  return differ.compare(documentOf(original, "any").root(), documentOf(update, "any").root()).map((found) => `${found.rule} ${pathText(found.path)}`);
}

/** The documents of schemas checked so far, by dialect and schema object: a schema checked against several others is read into nodes once. */
const documents: Record<SchemaDialect, WeakMap<object, SchemaDocument>> = { "draft-07": new WeakMap(), any: new WeakMap() };

/**
 * The document of a schema. Schemas are read as values: the document is built from a copy taken
 * the first time an object is seen, so a schema object changed in place after a check is not read
 * again (pass a new object for new content).
 */
function documentOf(schema: JsonSchema, dialect: SchemaDialect): SchemaDocument {
  if (typeof schema !== "object" || schema === null) return new SchemaDocument(schema, dialect);
  let document = documents[dialect].get(schema);
  if (document === undefined) {
    document = new SchemaDocument(structuredClone(schema), dialect);
    documents[dialect].set(schema, document);
  }
  return document;
}

/** The finding of a difference walked in a direction, under the rule and path it has as a change from old to new. */
function toFinding(found: Difference, rule: RuleId, path: string, direction: CompatibilityDirection, against: number): CompatibilityFinding {
  const backward = direction === "BACKWARD";
  const roles: Roles = backward ? { reader: "new", writer: "old" } : { reader: "old", writer: "new" };
  const before = backward ? found.before : found.after;
  const after = backward ? found.after : found.before;
  return {
    rule,
    path,
    tokens: found.path,
    breaks: [direction],
    message: findingMessage(rule, found, before, after, roles),
    against,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
