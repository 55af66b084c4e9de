/**
 * The comparison of two schemas, after Confluent's `SchemaDiff`: walks both graphs together from a
 * writer's schema (original) to a reader's (update) and lists every difference. Pairs of subschemas
 * are compared once (recursive schemas meet the same pair again; a pair met while it is still being
 * compared is assumed compatible, the greatest fixed point, and results that rest on such an
 * assumption are not reused elsewhere). The differences of two subschemas free of `$ref` depend on
 * nothing but how both are written and the policy, so they are kept across comparisons and checks
 * by the structure ids of both (`structure.ts`): a version against itself, or the parts versions
 * share (the envelope), are walked once.
 */
import { isDeepStrictEqual } from "node:util";
import type { JsonValue } from "@evc/runtime/codegen";
import { compareArrays } from "./compare-array.js";
import { compareObjects } from "./compare-object.js";
import { compareEnums, compareNumbers, compareStrings } from "./compare-scalars.js";
import { difference, under, type DiffContext, type Difference } from "./difference.js";
import { CompatibilityError } from "./errors.js";
import { describeNode } from "./describe.js";
import { provablyDisjoint } from "./disjoint.js";
import { maximumMatching } from "./matching.js";
import { PairMemo } from "./pair-memo.js";
import { isCompatibleUnder, type RuleId } from "./rules.js";
import { isTypedNode, type CombinedNode, type NotNode, type SchemaNode, type TypedNode, type TypesNode } from "./schema-node.js";

/** Which changes the reader tolerates: `strict` (Confluent's default) or `lenient`. */
export type CompatibilityPolicy = "strict" | "lenient";

/** Pairs of subschemas one comparison may visit before it gives up: far beyond any real schema, short of a hang. */
const maxComparisons = 1_000_000;

/**
 * Pairs of `$ref`-free subschemas whose differences each policy keeps before it forgets them all:
 * far more than the versions of a repository make, a bound for long-lived processes (`evc studio`).
 */
const maxReused = 100_000;
const reused: Record<CompatibilityPolicy, PairMemo<readonly Difference[]>> = { strict: new PairMemo(maxReused), lenient: new PairMemo(maxReused) };

/** Forget the comparisons kept across checks: a long-lived process frees their memory, and a benchmark measures the checker walking every pair anew. */
export function forgetComparisons(): void {
  for (const memo of Object.values(reused)) memo.clear();
}

/** Compares schemas under one policy; reuse an instance for schemas of the same two documents. */
export class SchemaDiffer implements DiffContext {
  readonly #policy: CompatibilityPolicy;
  readonly #reused: PairMemo<readonly Difference[]>;
  readonly #done = new Map<SchemaNode, Map<SchemaNode, readonly Difference[]>>();
  readonly #depthOf = new Map<SchemaNode, Map<SchemaNode, number>>();
  /** The shallowest in-progress pair the current comparison leaned on. */
  #leanedOn = Number.POSITIVE_INFINITY;
  #depth = 0;
  #comparisons = 0;

  constructor(policy: CompatibilityPolicy) {
    this.#policy = policy;
    this.#reused = reused[policy];
  }

  /** Whether differences keep readers compatible under this differ's policy. */
  compatible(differences: readonly Difference[]): boolean {
    return this.#breaking(differences) === 0;
  }

  /** The differences from `original` (the writer's schema) to `update` (the reader's), paths relative to them. */
  compare(original: SchemaNode, update: SchemaNode): readonly Difference[] {
    const first = original.structure;
    const second = update.structure;
    const reusable = first !== undefined && second !== undefined;
    // Schemas written the same way (`structure.ts`) accept the same values: nothing to walk.
    if (reusable && first === second) return [];
    const kept = reusable ? this.#reused.get(first, second) : undefined;
    if (kept !== undefined) return kept;
    const cached = this.#done.get(original)?.get(update);
    if (cached !== undefined) return cached;
    const inProgress = this.#depthOf.get(original)?.get(update);
    if (inProgress !== undefined) {
      this.#leanedOn = Math.min(this.#leanedOn, inProgress);
      return [];
    }
    if (++this.#comparisons > maxComparisons) {
      throw new CompatibilityError(`cannot compare the schemas: more than ${maxComparisons} pairs of subschemas to compare`);
    }
    const depth = this.#depth++;
    const outer = this.#leanedOn;
    this.#leanedOn = Number.POSITIVE_INFINITY;
    inner(this.#depthOf, original).set(update, depth);
    try {
      const found = this.#compareNodes(original, update);
      if (this.#leanedOn >= depth) {
        inner(this.#done, original).set(update, found);
        if (reusable) this.#reused.set(first, second, found);
      }
      return found;
    } finally {
      this.#depthOf.get(original)?.delete(update);
      this.#depth--;
      this.#leanedOn = Math.min(outer, this.#leanedOn >= depth ? Number.POSITIVE_INFINITY : this.#leanedOn);
    }
  }

  #compareNodes(original: SchemaNode, update: SchemaNode): readonly Difference[] {
    if (update.kind === "empty") return original.kind === "empty" ? annotations(original, update) : [];
    if (original.kind === "false") return [];
    if (original.kind === "combined" && update.kind === "combined") return [...annotations(original, update), ...this.#compareCombined(original, update)];
    if (update.kind === "combined") {
      const found = this.#intoCombinator(original, update);
      if (found !== undefined) return found;
    }
    if (original.kind === "combined") {
      const found = this.#outOfCombinator(original, update);
      if (found !== undefined) return found;
    }
    return this.#compareParts(original, update);
  }

  /** A schema that becomes a combinator: fine when it fits one alternative (anyOf, oneOf) or every part (allOf). */
  #intoCombinator(original: SchemaNode, update: CombinedNode): readonly Difference[] | undefined {
    const branches = update.branches.map((branch) => branch.node());
    if (branches.length === 1) return this.#ifCompatible(this.compare(original, branches[0] as SchemaNode));
    if (update.criterion === "allOf") {
      const each = branches.map((branch) => this.compare(original, branch));
      return each.every((found) => this.compatible(found)) ? each.flat() : undefined;
    }
    for (const [index, branch] of branches.entries()) {
      const found = this.compare(original, branch);
      if (!this.compatible(found)) continue;
      const extended = difference("SUM_TYPE_EXTENDED", [], { before: describeNode(original), after: describeNode(update) });
      // By position: two alternatives may be one node (the same $ref), and a value that fits both fails a oneOf.
      const overlapping = update.criterion === "oneOf" && branches.some((other, position) => position !== index && !provablyDisjoint(original, other));
      return overlapping ? [...found, extended, overlap()] : [...found, extended];
    }
    return undefined;
  }

  /** A combinator that becomes a plain schema: fine when one part (allOf) or every alternative (anyOf, oneOf) fits it. */
  #outOfCombinator(original: CombinedNode, update: SchemaNode): readonly Difference[] | undefined {
    const branches = original.branches.map((branch) => branch.node());
    if (branches.length === 1) return this.#ifCompatible(this.compare(branches[0] as SchemaNode, update));
    if (original.criterion !== "allOf") {
      const each = branches.map((branch) => this.compare(branch, update));
      return each.every((found) => this.compatible(found)) ? each.flat() : undefined;
    }
    for (const branch of branches) {
      const found = this.compare(branch, update);
      if (this.compatible(found)) return [...found, difference("PRODUCT_TYPE_NARROWED", [], { before: describeNode(original), after: describeNode(update) })];
    }
    return undefined;
  }

  /**
   * Whether a value of an old alternative may match a new alternative besides the one it was paired
   * with (oneOf wants exactly one): fine when the two are provably disjoint, or when the other new
   * alternative lies within another old one, which the value did not match.
   */
  #overlapping(before: readonly SchemaNode[], after: readonly SchemaNode[], pairing: readonly number[]): boolean {
    return before.some((old, index) =>
      after.some(
        (other, position) =>
          position !== pairing[index] &&
          !provablyDisjoint(old, other) &&
          !before.some((another, at) => at !== index && this.compatible(this.compare(other, another))),
      ),
    );
  }

  #breaking(found: readonly Difference[]): number {
    let breaking = 0;
    for (const difference of found) if (!isCompatibleUnder(difference.rule, this.#policy)) breaking++;
    return breaking;
  }

  #ifCompatible(found: readonly Difference[]): readonly Difference[] | undefined {
    return this.compatible(found) ? found : undefined;
  }

  /** Compare what two schema objects constrain, part by part: a part only the update has narrows, one only the original has widens. */
  #compareParts(original: SchemaNode, update: SchemaNode): Difference[] {
    const { before, after, found } = alignImpliedType(partsOf(original), partsOf(update));
    if (before.size === 1 && after.size === 1 && [...before.keys()][0] !== [...after.keys()][0]) {
      return [difference("TYPE_CHANGED", [], { before: describeNode(original), after: describeNode(update) })];
    }
    found.push(...annotations(original, update));
    for (const [role, part] of before) {
      const other = after.get(role);
      if (other !== undefined) found.push(...this.#compareRole(part, other));
      else if (part.kind === "opaque") found.push(difference("UNSUPPORTED_KEYWORD_REMOVED", [role], { before: role }));
      else found.push(difference("PRODUCT_TYPE_NARROWED", [], { before: describeNode(part) }));
    }
    for (const [role, part] of after) {
      if (before.has(role)) continue;
      if (part.kind === "opaque") found.push(difference("UNSUPPORTED_KEYWORD_ADDED", [role], { after: role }));
      else found.push(difference("PRODUCT_TYPE_EXTENDED", [], { after: describeNode(part) }));
    }
    return found;
  }

  /** Compare two parts in the same role. */
  #compareRole(original: SchemaNode, update: SchemaNode): Difference[] {
    if (original.kind === "enum" && update.kind === "enum") return compareEnums(original, update);
    if (original.kind === "not" && update.kind === "not") return this.#compareNot(original, update);
    if (original.kind === "combined" && update.kind === "combined") return this.#compareCombined(original, update);
    if (original.kind === "opaque" && update.kind === "opaque") {
      const same = isDeepStrictEqual(original.value, update.value) && original.referenced === update.referenced;
      return same ? [] : [difference("UNSUPPORTED_KEYWORD_CHANGED", [original.keyword], { after: original.keyword })];
    }
    if (isTyped(original) && isTyped(update)) return this.#compareTypes(original, update);
    return [difference("TYPE_CHANGED", [], { before: describeNode(original), after: describeNode(update) })];
  }

  /** Compare two `type`s, each one type or a list: types only the update lists widen, types only the original lists narrow. */
  #compareTypes(original: TypedNode | TypesNode, update: TypedNode | TypesNode): Difference[] {
    const before = membersOf(original);
    const after = membersOf(update);
    const [first] = before;
    const [second] = after;
    if (before.length === 1 && after.length === 1 && first !== undefined && second !== undefined) {
      if (first.kind !== second.kind) return [difference("TYPE_CHANGED", [], { before: describeNode(first), after: describeNode(second) })];
      return this.#compareTyped(first, second);
    }
    const found: Difference[] = [];
    const types = { before: describeNode(original), after: describeNode(update) };
    for (const member of before) {
      const other = after.find((candidate) => candidate.kind === member.kind);
      if (other !== undefined) found.push(...this.#compareTyped(member, other));
    }
    if (before.some((member) => !after.some((other) => other.kind === member.kind))) found.push(difference("SUM_TYPE_NARROWED", [], types));
    if (after.some((member) => !before.some((other) => other.kind === member.kind))) found.push(difference("SUM_TYPE_EXTENDED", [], types));
    return found;
  }

  #compareTyped(original: TypedNode, update: TypedNode): Difference[] {
    if (original.kind === "string" && update.kind === "string") return compareStrings(original, update);
    if (original.kind === "number" && update.kind === "number") return compareNumbers(original, update);
    if (original.kind === "object" && update.kind === "object") return compareObjects(this, original, update);
    if (original.kind === "array" && update.kind === "array") return compareArrays(this, original, update);
    return [];
  }

  /** `not`: the update forbids less when its forbidden schema is within the original's; nothing when the forbidden schemas do not differ. */
  #compareNot(original: NotNode, update: NotNode): Difference[] {
    const reversed = this.compare(update.schema.node(), original.schema.node());
    if (reversed.length === 0) return [];
    return [difference(this.compatible(reversed) ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED", ["not"])];
  }

  /**
   * Two combinators: the criterion may only widen (to anyOf, or between one-alternative ones), and
   * the alternatives are paired, each old one with a new one it fits, as many as possible; an old one
   * left over is compared with the closest new one left over, whose differences say what broke.
   */
  #compareCombined(original: CombinedNode, update: CombinedNode): Difference[] {
    const criteria = { before: original.criterion, after: update.criterion };
    const found: Difference[] = [];
    if (original.criterion !== update.criterion) {
      const single = (node: CombinedNode) => node.branches.length === 1;
      const widened =
        update.criterion === "anyOf" ||
        (single(original) && (single(update) || update.criterion === "oneOf")) ||
        (single(update) && original.criterion === "allOf");
      if (!widened) return [difference("COMBINED_TYPE_CHANGED", [], criteria)];
      found.push(difference("COMBINED_TYPE_EXTENDED", [], criteria));
    }
    const before = original.branches.map((branch) => branch.node());
    const after = update.branches.map((branch) => branch.node());
    const sizes = { before: describeNode(original), after: describeNode(update) };
    if (before.length < after.length) found.push(difference(update.criterion === "allOf" ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED", [], sizes));
    if (before.length > after.length) found.push(difference(original.criterion === "allOf" ? "PRODUCT_TYPE_NARROWED" : "SUM_TYPE_NARROWED", [], sizes));
    const edges = before.map((branch, index) =>
      after
        .map((other, position) => ({ position, found: under([original.criterion, String(index)], this.compare(branch, other)) }))
        .sort((a, b) => this.#breaking(a.found) - this.#breaking(b.found) || a.found.length - b.found.length),
    );
    const fits = edges.map((list) => list.filter((edge) => this.compatible(edge.found)));
    const pairing = maximumMatching(
      fits.map((list) => list.map((edge) => edge.position)),
      after.length,
    );
    // An old alternative no new one fits is explained by its closest unpaired new one (Confluent only says COMBINED_TYPE_SUBSCHEMAS_CHANGED).
    const taken = new Set(pairing.filter((position) => position !== -1));
    pairing.forEach((position, index) => {
      const candidates = edges[index] ?? [];
      const edge = position !== -1 ? candidates.find((candidate) => candidate.position === position) : candidates.find((candidate) => !taken.has(candidate.position));
      if (edge === undefined) return;
      taken.add(edge.position);
      found.push(...edge.found);
    });
    if (update.criterion === "oneOf" && this.#overlapping(before, after, pairing)) found.push(overlap());
    return found;
  }
}

function overlap(): Difference {
  return difference("ONE_OF_ALTERNATIVES_OVERLAP", ["oneOf"]);
}

/** The differences between two schemas' annotations (`$id`, `title`, `description`, `default`), when both are whole schema objects. */
function annotations(original: SchemaNode, update: SchemaNode): Difference[] {
  const before = original.meta;
  const after = update.meta;
  if (before === undefined || after === undefined) return [];
  const found: Difference[] = [];
  const pairs: [RuleId, JsonValue | undefined, JsonValue | undefined][] = [
    ["ID_CHANGED", before.id, after.id],
    ["TITLE_CHANGED", before.title, after.title],
    ["DESCRIPTION_CHANGED", before.description, after.description],
    ["DEFAULT_CHANGED", before.default, after.default],
  ];
  for (const [rule, old, now] of pairs) {
    if (!isDeepStrictEqual(old, now)) found.push(difference(rule, [], { before: old ?? null, after: now ?? null }));
  }
  return found;
}

/**
 * Pair a declared type with keywords that imply the same type on the other side (`{type: string,
 * maxLength: 3}` and `{maxLength: 5}`): the declared one rejects other types, the implied one lets
 * them through, so going from declared to implied widens and back narrows.
 */
function alignImpliedType(
  before: ReadonlyMap<string, SchemaNode>,
  after: ReadonlyMap<string, SchemaNode>,
): { before: ReadonlyMap<string, SchemaNode>; after: ReadonlyMap<string, SchemaNode>; found: Difference[] } {
  const oldType = declared(before);
  const newType = declared(after);
  if (oldType !== undefined && !after.has("type") && after.has(`implied:${oldType}`)) {
    return { before, after: retitle(after, `implied:${oldType}`), found: [difference("TYPE_EXTENDED", [], { before: oldType, after: `any value, ${oldType}s constrained` })] };
  }
  if (newType !== undefined && !before.has("type") && before.has(`implied:${newType}`)) {
    return { before: retitle(before, `implied:${newType}`), after, found: [difference("TYPE_NARROWED", [], { before: `any value, ${newType}s constrained`, after: newType })] };
  }
  return { before, after, found: [] };
}

/** The one type a schema object declares (not a list of types), if it does. */
function declared(parts: ReadonlyMap<string, SchemaNode>): SchemaNode["kind"] | undefined {
  const type = parts.get("type");
  return type !== undefined && type.kind !== "types" ? type.kind : undefined;
}

/** The parts with the one in `role` moved to the role `type`. */
function retitle(parts: ReadonlyMap<string, SchemaNode>, role: string): ReadonlyMap<string, SchemaNode> {
  return new Map([...parts].map(([key, part]) => [key === role ? "type" : key, part]));
}

/** What a schema constrains, by role; a schema of one kind is its own only part. */
function partsOf(node: SchemaNode): ReadonlyMap<string, SchemaNode> {
  if (node.kind === "parts") return node.parts;
  if (node.kind === "empty") return new Map();
  return new Map([[roleOf(node), node]]);
}

function roleOf(node: SchemaNode): string {
  if (isTypedNode(node)) return node.implied ? `implied:${node.kind}` : "type";
  switch (node.kind) {
    case "types":
      return "type";
    case "combined":
      return node.criterion;
    case "opaque":
      return node.keyword;
    default:
      return node.kind;
  }
}

function isTyped(node: SchemaNode): node is TypedNode | TypesNode {
  return node.kind === "types" || isTypedNode(node);
}

function membersOf(node: TypedNode | TypesNode): readonly TypedNode[] {
  return node.kind === "types" ? node.members : [node];
}

function inner<V>(outer: Map<SchemaNode, Map<SchemaNode, V>>, key: SchemaNode): Map<SchemaNode, V> {
  let map = outer.get(key);
  if (map === undefined) {
    map = new Map();
    outer.set(key, map);
  }
  return map;
}
