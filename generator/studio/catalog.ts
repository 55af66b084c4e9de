/**
 * The catalog the studio and `evc catalog` show, as plain JSON: systems, event types and their
 * versions (fields, examples, subject, stream, operations), and every pair of versions of a type
 * compared by the compatibility checker that `evc diff` uses.
 */
import { formatLocation } from "../diagnostics.js";
import type { LoadedContracts } from "../load.js";
import type { EventModel, OperationModel } from "../model.js";
import { checkCompatibility, diffSchemas, ruleClass, type CompatibilityDirection, type RuleClass, type RuleId } from "../compat/index.js";
import type { CompatibilityMode, JsonValue } from "@evc/runtime/codegen";
import { fieldRows, type FieldRow } from "./fields.js";

/** A system (one spec document) and its streams. */
export interface CatalogSystem {
  readonly name: string;
  readonly title: string;
  readonly version: string;
  readonly specFile: string;
  readonly streams: readonly { readonly name: string; readonly subjects: readonly string[]; readonly deadLetterStream: string }[];
}

/** One version of an event type, as the catalog shows it. */
export interface CatalogVersion {
  readonly version: number;
  readonly className: string;
  readonly title: string | undefined;
  readonly summary: string | undefined;
  readonly description: string | undefined;
  /** Where the message is declared, `file:line:col`. */
  readonly declaredAt: string;
  readonly subject: string | undefined;
  readonly stream: string | undefined;
  readonly compatibility: CompatibilityMode;
  /** How events of the version before become this one, in words. */
  readonly upcast: string;
  readonly fields: readonly FieldRow[];
  readonly examples: readonly { readonly name: string | undefined; readonly payload: JsonValue }[];
  readonly operations: readonly OperationModel[];
}

/** An event type with its versions, oldest first. */
export interface CatalogEvent {
  readonly type: string;
  readonly system: string;
  readonly versions: readonly CatalogVersion[];
}

/** A breaking change the checker found between two versions. */
export interface CatalogFinding {
  readonly rule: RuleId;
  readonly path: string;
  readonly breaks: readonly CompatibilityDirection[];
  readonly message: string;
}

/** Two versions of a type compared: the checker's findings under the newer one's mode, every difference, and the fields that changed. */
export interface CatalogComparison {
  readonly type: string;
  readonly from: number;
  readonly to: number;
  readonly mode: CompatibilityMode;
  /** How events of the version before `to` become `to`, in words. */
  readonly upcast: string;
  readonly compatible: boolean;
  readonly findings: readonly CatalogFinding[];
  /** Every difference walking from the older schema to the newer, compatible ones included, with the rule's class. */
  readonly differences: readonly { readonly rule: string; readonly path: string; readonly class: RuleClass }[];
  readonly fields: {
    readonly added: readonly FieldRow[];
    readonly removed: readonly FieldRow[];
    readonly changed: readonly { readonly name: string; readonly before: FieldRow; readonly after: FieldRow }[];
  };
}

/** The whole catalog. */
export interface Catalog {
  readonly systems: readonly CatalogSystem[];
  readonly events: readonly CatalogEvent[];
  readonly comparisons: readonly CatalogComparison[];
}

/** Build the catalog of loaded contracts. */
export function buildCatalog(loaded: LoadedContracts): Catalog {
  const { systems, events } = loaded.model;
  const byType = new Map<string, EventModel[]>();
  for (const event of events) byType.set(event.type, [...(byType.get(event.type) ?? []), event]);
  const catalogEvents: CatalogEvent[] = [];
  const comparisons: CatalogComparison[] = [];
  for (const [type, versions] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...versions].sort((a, b) => a.version - b.version);
    catalogEvents.push({ type, system: sorted[0]?.system ?? "", versions: sorted.map(catalogVersion) });
    for (const [index, older] of sorted.entries()) for (const newer of sorted.slice(index + 1)) comparisons.push(compareVersions(older, newer));
  }
  return {
    systems: systems.map((system) => ({
      name: system.name,
      title: system.title,
      version: system.version,
      specFile: system.specFile,
      streams: system.streams.map((stream) => ({ name: stream.name, subjects: stream.subjects, deadLetterStream: stream.deadLetter.stream })),
    })),
    events: catalogEvents,
    comparisons,
  };
}

function catalogVersion(event: EventModel): CatalogVersion {
  return {
    version: event.version,
    className: event.className,
    title: event.title,
    summary: event.summary,
    description: event.description,
    declaredAt: formatLocation(event.location),
    subject: event.subject?.address,
    stream: event.stream,
    compatibility: event.compatibility,
    upcast: upcastText(event),
    fields: fieldRows(event.schema),
    examples: event.examples.map((example) => ({ name: example.name, payload: example.payload })),
    operations: event.operations,
  };
}

function upcastText(event: EventModel): string {
  if (event.version === 1) return "none (the first version)";
  if (event.upcast.kind === "function") return `from v${event.version - 1} by a hand-written function`;
  if (event.upcast.kind === "steps") return `from v${event.version - 1} by ${event.upcast.steps.map((step) => JSON.stringify(step)).join(", ")}`;
  return `none: events of v${event.version - 1} cannot become v${event.version}`;
}

/** Compare two versions of one type with the compatibility checker, under the newer version's mode. */
export function compareVersions(older: EventModel, newer: EventModel): CatalogComparison {
  const report = checkCompatibility([older.schema], newer.schema, { mode: newer.compatibility.replace("_TRANSITIVE", "") as CompatibilityMode, policy: "strict", dialect: "draft-07" });
  const before = new Map(fieldRows(older.schema).map((row) => [row.name, row]));
  const after = new Map(fieldRows(newer.schema).map((row) => [row.name, row]));
  return {
    type: newer.type,
    from: older.version,
    to: newer.version,
    mode: newer.compatibility,
    upcast: upcastText(newer),
    compatible: report.compatible,
    findings: report.findings.map(({ rule, path, breaks, message }) => ({ rule, path, breaks, message })),
    differences: diffSchemas(older.schema, newer.schema).map((line) => {
      const [rule = "", path = ""] = line.split(" ");
      return { rule, path, class: ruleClass(rule as RuleId) };
    }),
    fields: {
      added: [...after.values()].filter((row) => !before.has(row.name)),
      removed: [...before.values()].filter((row) => !after.has(row.name)),
      changed: [...after.values()].flatMap((row) => {
        const old = before.get(row.name);
        return old === undefined || JSON.stringify(old) === JSON.stringify(row) ? [] : [{ name: row.name, before: old, after: row }];
      }),
    },
  };
}
