/** One difference between two schemas, found walking from a writer's schema (original) to a reader's (update). */
import type { JsonValue } from "@evc/runtime/codegen";
import type { RuleId } from "./rules.js";
import type { SchemaNode } from "./schema-node.js";

/** A difference at a place in the schemas. Every difference has every field (one shape, quick to read and copy); unknown ones are undefined. */
export interface Difference {
  readonly rule: RuleId;
  /** JSON pointer tokens from the schemas' root to the keyword or subschema that differs. */
  readonly path: readonly string[];
  /** The value in the original (writer's) schema, for messages. */
  readonly before: JsonValue | undefined;
  /** The value in the update (reader's) schema, for messages. */
  readonly after: JsonValue | undefined;
  /** The same change walked the other way, where the rule table's mirror would misname it. */
  readonly mirror: RuleId | undefined;
  /** More context for messages; `{reader}` stands for the reading side. */
  readonly detail: string | undefined;
}

/** What the comparison of one kind of schema needs from the comparison as a whole. */
export interface DiffContext {
  /** The differences between two subschemas, with paths relative to them. */
  compare(original: SchemaNode, update: SchemaNode): readonly Difference[];
  /** Whether differences keep readers compatible under the policy in force. */
  compatible(differences: readonly Difference[]): boolean;
}

/** Extra facts of a difference, each optional. */
type Extras = { readonly [K in Exclude<keyof Difference, "rule" | "path">]?: Difference[K] };

const noExtras: Extras = {};

/** A difference at `path` (tokens relative to the schemas being compared). */
export function difference(rule: RuleId, path: readonly string[] = [], extras: Extras = noExtras): Difference {
  return { rule, path, before: extras.before, after: extras.after, mirror: extras.mirror, detail: extras.detail };
}

/** Differences of subschemas moved below `prefix`. */
export function under(prefix: readonly string[], differences: readonly Difference[]): Difference[] {
  const moved: Difference[] = [];
  for (const found of differences) moved.push(difference(found.rule, prefix.concat(found.path), found));
  return moved;
}

/**
 * The difference between two optional numeric bounds (`maxLength`, `minimum`, ...): `<PREFIX>_ADDED`,
 * `_REMOVED`, `_INCREASED` or `_DECREASED` at the keyword, or none when they are equal.
 */
export function boundDifference<P extends string>(keyword: string, prefix: P, before: number | undefined, after: number | undefined): Difference[] {
  if (before === after) return [];
  const rule = before === undefined ? "ADDED" : after === undefined ? "REMOVED" : before < after ? "INCREASED" : "DECREASED";
  return [difference(`${prefix}_${rule}` as RuleId, [keyword], { before, after })];
}

/** The difference between two optional constraint values compared for equality (`pattern`, `format`). */
export function valueDifference(keyword: string, prefix: "PATTERN" | "FORMAT", before: string | undefined, after: string | undefined): Difference[] {
  if (before === after) return [];
  const rule = before === undefined ? "ADDED" : after === undefined ? "REMOVED" : "CHANGED";
  return [difference(`${prefix}_${rule}`, [keyword], { before, after })];
}

/**
 * The difference between two `additionalProperties` (or `additionalItems`) schemas, absent meaning
 * any value: allowed again (`_ADDED`), forbidden (`_REMOVED`), given a schema (`_NARROWED`), freed
 * of it (`_EXTENDED`), or the differences between the two schemas.
 */
export function restDifference(
  context: DiffContext,
  prefix: "ADDITIONAL_PROPERTIES" | "ADDITIONAL_ITEMS",
  keyword: string,
  before: SchemaNode | undefined,
  after: SchemaNode | undefined,
): Difference[] {
  const path = [keyword];
  const permits = (node: SchemaNode | undefined) => node?.kind !== "false";
  const constrains = (node: SchemaNode | undefined) => node !== undefined && node.kind !== "false" && node.kind !== "empty";
  if (permits(before) !== permits(after)) return [difference(`${prefix}_${permits(after) ? "ADDED" : "REMOVED"}`, path)];
  if (!constrains(before) && constrains(after)) return [difference(`${prefix}_NARROWED`, path)];
  if (constrains(before) && !constrains(after)) return [difference(`${prefix}_EXTENDED`, path)];
  if (before === undefined || after === undefined || !constrains(before)) return [];
  return under(path, context.compare(before, after));
}
