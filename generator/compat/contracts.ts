/**
 * What changed between the contracts of two revisions, for `evc diff`: an existing event version
 * may change only compatibly under its mode (transitive modes also against every earlier version
 * of its type), a new version needs an upcast from the one before, and a removed version or event
 * is a breaking change.
 */
import { isDeepStrictEqual } from "node:util";
import type { SourceLocation } from "../diagnostics.js";
import type { ContractModel, EventModel } from "../model.js";
import type { CompatibilityMode, JsonSchema } from "@evc/runtime/codegen";
import { checkCompatibility, isTransitive, type CompatibilityDirection, type CompatibilityFinding } from "./check.js";
import type { CompatibilityPolicy } from "./differ.js";
import { ruleIds, type RuleId } from "./rules.js";
import { counted } from "../wording.js";

/** One side of the comparison: the contracts of a revision and where their schemas are written. */
export interface ContractSide {
  readonly model: ContractModel;
  /** Where a path inside an event's payload schema is written in that revision's specs. */
  readonly locate: (event: EventModel, schemaPath: readonly string[]) => SourceLocation;
}

/** What the comparison needs of a version on the old side: a released version, from an old revision or the lock. */
export interface ReleasedVersion {
  readonly type: string;
  readonly version: number;
  readonly schema: JsonSchema;
  /** The mode it was released with, which binds its changes. */
  readonly compatibility: CompatibilityMode;
  /** Where it is declared (in the old revision's specs, or in the lock). */
  readonly location: SourceLocation;
}

/** The rules of `evc diff` and `evc check` besides the schema rules. */
export const contractRuleIds = ["EVENT_REMOVED", "VERSION_REMOVED", "UPCAST_MISSING", "EVENT_ADDED", "VERSION_ADDED", "SCHEMA_CHANGED", "COMPATIBILITY_CHANGED"] as const;

/** A rule of `evc diff` and `evc check`: a schema rule, or one about event types and versions. */
export type ContractRule = RuleId | (typeof contractRuleIds)[number];

/** Every rule an accepted break may name. */
export function isContractRule(text: string): text is ContractRule {
  return (ruleIds as readonly string[]).includes(text) || (contractRuleIds as readonly string[]).includes(text);
}

/** One change between the revisions: breaking, a breaking change accepted in the configuration, or a note. */
export interface ContractChange {
  readonly severity: "breaking" | "accepted" | "note";
  readonly rule: ContractRule;
  readonly type: string;
  readonly version: number;
  readonly message: string;
  /** In the new specs where possible; a removed version is located in the old revision's. */
  readonly location: SourceLocation;
  readonly breaks: readonly CompatibilityDirection[];
  /** The schema path, for schema rules. */
  readonly path?: string;
  /** Why the break is accepted, for accepted ones. */
  readonly reason?: string;
}

/** How to compare: the policy of the schema rules, and the name of the old side for messages (`HEAD~1`, `the lock`). */
export interface ContractDiffOptions {
  readonly policy: CompatibilityPolicy;
  readonly revision: string;
}

/** Every change from `base` (the released versions) to `head` (the specs now), sorted by location. */
export function diffContracts(base: readonly ReleasedVersion[], head: ContractSide, options: ContractDiffOptions): ContractChange[] {
  const before = byType(base);
  const after = byType(head.model.events);
  const changes: ContractChange[] = [];
  for (const type of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const olds = before.get(type) ?? [];
    const news = after.get(type) ?? [];
    const last = olds.at(-1);
    if (news.length === 0 && last !== undefined) {
      changes.push(change("breaking", "EVENT_REMOVED", last, `event removed (it had ${versionList(olds)} at ${options.revision})`, last.location, ["BACKWARD"]));
      continue;
    }
    for (const old of olds) {
      if (!news.some((event) => event.version === old.version)) {
        changes.push(change("breaking", "VERSION_REMOVED", old, `version removed (it is declared there at ${options.revision})`, old.location, ["BACKWARD"]));
      }
    }
    for (const event of news) {
      const old = olds.find((candidate) => candidate.version === event.version);
      if (old === undefined) changes.push(olds.length === 0 && event === news[0] ? eventAdded(event, news) : versionAdded(event));
      else changes.push(...versionChanged(old, event, olds, head, options));
    }
  }
  return changes.sort(
    (a, b) =>
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      a.message.localeCompare(b.message),
  );
}

function eventAdded(event: EventModel, versions: readonly EventModel[]): ContractChange {
  return change("note", "EVENT_ADDED", event, `new event type (${versionList(versions)})`, event.location, []);
}

function versionAdded(event: EventModel): ContractChange {
  if (event.version > 1 && event.upcast.kind === "none") {
    return change("breaking", "UPCAST_MISSING", event, `new version without an upcast from v${event.version - 1}: events of v${event.version - 1} cannot become v${event.version}`, event.location, ["BACKWARD"]);
  }
  const how = event.upcast.kind === "function" ? "a hand-written function" : event.upcast.kind === "steps" ? counted(event.upcast.steps.length, "step") : "";
  return change("note", "VERSION_ADDED", event, event.version === 1 ? "new version" : `new version, upcast from v${event.version - 1} by ${how}`, event.location, []);
}

function versionChanged(old: ReleasedVersion, event: EventModel, olds: readonly ReleasedVersion[], head: ContractSide, options: ContractDiffOptions): ContractChange[] {
  const changes: ContractChange[] = [];
  // The mode released with the version binds the change; a new mode applies from the next change on.
  const mode = old.compatibility;
  if (old.compatibility !== event.compatibility) {
    changes.push(change("note", "COMPATIBILITY_CHANGED", event, `compatibility changed from ${old.compatibility} to ${event.compatibility}; this change is still held to ${mode}`, event.location, []));
  }
  if (isDeepStrictEqual(old.schema, event.schema)) return changes;
  const findings = [...check(old, event, mode, options.policy)];
  if (isTransitive(mode)) {
    for (const earlier of olds.filter((candidate) => candidate.version < old.version)) {
      const known = new Set(check(earlier, old, mode, options.policy).map(findingKey));
      for (const finding of check(earlier, event, mode, options.policy)) {
        if (!known.has(findingKey(finding))) findings.push({ ...finding, message: `${finding.message} (against v${earlier.version})` });
      }
    }
  }
  if (findings.length === 0) {
    const how = mode === "NONE" ? "under NONE, which checks nothing" : `compatibly under ${mode}`;
    changes.push(change("note", "SCHEMA_CHANGED", event, `payload changed ${how}`, event.location, []));
  }
  for (const finding of findings) {
    changes.push({ ...change("breaking", finding.rule, event, finding.message, head.locate(event, finding.tokens), finding.breaks), path: finding.path });
  }
  return changes;
}

/** The findings of one old schema against one new one, in the directions of a mode. */
function check(old: ReleasedVersion, event: ReleasedVersion, mode: CompatibilityMode, policy: CompatibilityPolicy): readonly CompatibilityFinding[] {
  // The SDK validates payloads as draft-07, AsyncAPI's schema dialect: later drafts' keywords constrain nothing there.
  return checkCompatibility([old.schema], event.schema, { mode: mode.replace("_TRANSITIVE", "") as CompatibilityMode, policy, dialect: "draft-07" }).findings;
}

function findingKey(finding: CompatibilityFinding): string {
  return `${finding.rule} ${finding.path} ${finding.breaks.join(",")}`;
}

function change(
  severity: ContractChange["severity"],
  rule: ContractRule,
  event: ReleasedVersion,
  message: string,
  location: SourceLocation,
  breaks: readonly CompatibilityDirection[],
): ContractChange {
  return { severity, rule, type: event.type, version: event.version, message, location, breaks };
}

function byType<V extends ReleasedVersion>(events: readonly V[]): Map<string, V[]> {
  const types = new Map<string, V[]>();
  for (const event of events) types.set(event.type, [...(types.get(event.type) ?? []), event]);
  for (const versions of types.values()) versions.sort((a, b) => a.version - b.version);
  return types;
}

function versionList(events: readonly ReleasedVersion[]): string {
  return events.map((event) => `v${event.version}`).join(", ");
}
