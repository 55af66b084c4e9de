/**
 * Rules over the whole model. Some hold for every document (one type and version once, versions
 * without gaps, a path from each version to the latest, schemas that compile); our own documents
 * (those that declare `x-evc-jetstream`) are held to more: the envelope, `const` pins, examples
 * that validate, declarative upcasts that turn the previous version's examples into valid events.
 */
import { isDeepStrictEqual } from "node:util";
import { isPlainObject, type JsonObject, pointerTokens as jsonPointerTokens, stepsUpcaster } from "@evc/runtime/codegen";
import { formatIssues } from "@evc/runtime/errors";
import { knownFormats, type SchemaCompiler } from "./compile.js";
import { formatLocation, type DiagnosticSink } from "./diagnostics.js";
import { versionKey, type DocumentLocator, type EventModel, type SystemModel } from "./model.js";
import { eventFile } from "./emit/layout.js";
import { fileSlug, indexNames, systemUnionName, unionName } from "./naming.js";
import { checkOperationNames } from "./request-operations.js";
import { pinnedValue, propertySchemas } from "./schema-facts.js";
import { warnInertKeywords } from "./schema-keywords.js";
import { pointerTokens } from "./sources.js";

/** Apply every rule to the events `foldDuplicates` kept, whose schemas `compiler` holds; `locate` places a problem inside an example at its value. */
export function checkContracts(systems: readonly SystemModel[], kept: readonly EventModel[], compiler: SchemaCompiler, sink: DiagnosticSink, locate?: DocumentLocator): void {
  const native = new Set(systems.filter((system) => system.native).map((system) => system.name));
  checkClassNames(kept, sink);
  checkOperationNames(kept, sink, locate);
  const byType = groupBy(kept, (event) => event.type);
  const unionNames = indexUnionNames(systems);
  for (const versions of byType.values()) {
    checkTypeName(versions[0] as EventModel, unionNames, sink);
    checkVersions(versions, sink);
  }
  for (const event of kept) {
    const compiled = compileSchema(event, compiler, sink);
    warnUnknownFormats(event, sink);
    warnInertKeywords(event, sink, locate);
    if (compiled && native.has(event.system)) checkNativeEvent(event, compiler, sink, locate);
  }
  for (const versions of byType.values()) {
    for (const event of versions) if (native.has(event.system)) checkStepUpcast(event, versions, compiler, sink);
  }
}

/** The events with each type and version once (a duplicate of an identical contract folded, one that differs reported), sorted by type and version. */
export function foldDuplicates(events: readonly EventModel[], sink: DiagnosticSink): EventModel[] {
  const kept: EventModel[] = [];
  for (const group of groupBy(events, versionKey).values()) {
    const [first, ...others] = group as [EventModel, ...EventModel[]];
    kept.push(first);
    for (const other of others) {
      if (isDeepStrictEqual(other.schema, first.schema) && isDeepStrictEqual(other.upcast, first.upcast)) continue;
      sink.error(
        "evc-duplicate-event",
        `"${other.type}" v${other.version} is declared twice with different contracts; the other one is at ${formatLocation(first.location)}`,
        other.location,
      );
    }
  }
  return kept.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.version - b.version));
}

/** The names of unions the SDK's index declares, with what each holds: its own (`AnyEvent`), and each system's (`ShopEvent`). */
function indexUnionNames(systems: readonly SystemModel[]): Map<string, string> {
  return new Map([...indexNames.map((name) => [name, "every event at once"] as const), ...systems.map((system) => [systemUnionName(system.name), `the union of ${JSON.stringify(system.name)}'s events`] as const)]);
}

/** The longest event file name evc writes: file systems refuse names past 255 bytes. */
const maxFileSlug = 200;

/** A type (`first`, its first version) may not name its handle as the index names a union (`declared`), nor be too long for a file name. */
function checkTypeName(first: EventModel, declared: ReadonlyMap<string, string>, sink: DiagnosticSink): void {
  const taken = declared.get(unionName(first.type));
  if (taken !== undefined) sink.error("evc-name-collision", `"${first.type}" would name its handle ${unionName(first.type)}, which the SDK declares for ${taken}; rename the type`, first.location);
  const length = fileSlug(first.type).length;
  if (length > maxFileSlug) sink.error("evc-name-too-long", `"${first.type.slice(0, 40)}…" is too long a type name for a file name (${length} characters, at most ${maxFileSlug}); shorten it`, first.location);
}

/** Two types may not generate one class, nor one file (which a case-insensitive file system would also make of `abc` and `ABc`). */
function checkClassNames(events: readonly EventModel[], sink: DiagnosticSink): void {
  // Types whose classes collide are told once, not again for their files.
  const collisions = (what: string, keyOf: (event: EventModel) => string, toldAlready: (a: EventModel, b: EventModel) => boolean) => {
    for (const group of groupBy(events, keyOf).values()) {
      const first = group[0] as EventModel;
      for (const event of group.slice(1).filter((other) => other.type !== first.type && !toldAlready(other, first))) {
        sink.error("evc-name-collision", `"${event.type}" v${event.version} and "${first.type}" would both generate ${what} ${keyOf(event)}; rename one of the types`, event.location);
      }
    }
  };
  collisions("class", (event) => event.className, () => false);
  collisions("file", eventFile, (a, b) => a.className === b.className);
}

function checkVersions(versions: readonly EventModel[], sink: DiagnosticSink): void {
  versions.forEach((event, index) => {
    const expected = index + 1;
    if (event.version !== expected) {
      sink.error(
        "evc-version-gap",
        `"${event.type}" has v${event.version} but no v${expected}; versions run 1, 2, 3, ... without gaps`,
        event.location,
      );
    }
    if (event.version === 1 && event.upcast.kind !== "none") {
      sink.error("evc-upcast-on-first", `"${event.type}" v1 declares an upcast, but there is no version before it`, event.location);
    }
    if (event.version > 1 && event.upcast.kind === "none") {
      sink.error(
        "evc-missing-upcast",
        `"${event.type}" v${event.version} declares no x-evc.upcast: events of v${event.version - 1} have no path to the latest version v${versions.length}`,
        event.location,
      );
    }
  });
}

function compileSchema(event: EventModel, compiler: SchemaCompiler, sink: DiagnosticSink): boolean {
  try {
    compiler.compile(event);
    return true;
  } catch (error) {
    sink.error("evc-invalid-schema", `the payload schema of "${event.type}" v${event.version} does not compile: ${(error as Error).message}`, event.location);
    return false;
  }
}

function warnUnknownFormats(event: EventModel, sink: DiagnosticSink): void {
  const formats = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isPlainObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "format" && typeof value === "string" && !knownFormats.has(value)) formats.add(value);
      else if (key !== "enum" && key !== "const" && key !== "examples" && key !== "default") visit(value);
    }
  };
  visit(event.schema);
  for (const format of [...formats].sort()) {
    sink.warning("evc-unknown-format", `"${event.type}" v${event.version} uses format "${format}", which validators do not check`, event.location);
  }
}

function checkNativeEvent(event: EventModel, compiler: SchemaCompiler, sink: DiagnosticSink, locate: DocumentLocator | undefined): void {
  const label = `"${event.type}" v${event.version}`;
  if (!event.envelope) {
    sink.error("evc-not-envelope", `${label}: the payload must be the evc envelope (allOf EventEnvelope and the event's part)`, event.location);
  }
  const properties = propertySchemas(event.schema);
  const pins: [string, unknown][] = [
    ["type", event.type],
    ["version", event.version],
  ];
  for (const [field, expected] of pins) {
    const pinned = pinnedValue(properties, field);
    if (pinned !== expected) {
      sink.error(
        "evc-pin-mismatch",
        `${label}: the payload must pin "${field}" with const ${JSON.stringify(expected)}${pinned === undefined ? "" : `, not ${JSON.stringify(pinned)}`}`,
        event.location,
      );
    }
  }
  if (event.examples.length === 0) {
    sink.error("evc-missing-example", `${label} has no example; every version of our own events needs at least one`, event.location);
  }
  const validate = compiler.compile(event);
  for (const example of event.examples) {
    if (!validate(example.payload)) {
      const issues = validate.errors ?? [];
      const at = issues[0] === undefined || locate === undefined ? example.location : locate(event, [...pointerTokens(example.pointer), ...jsonPointerTokens(issues[0].instancePath)]);
      sink.error("evc-invalid-example", `example${example.name === undefined ? "" : ` "${example.name}"`} of ${label} is invalid: ${formatIssues(issues)}`, at);
    }
  }
}

function checkStepUpcast(event: EventModel, versions: readonly EventModel[], compiler: SchemaCompiler, sink: DiagnosticSink): void {
  if (event.upcast.kind !== "steps") return;
  // By version, not by place: with a version missing (reported as a gap) the place before is not the version before.
  const previous = versions.find((version) => version.version === event.version - 1);
  if (previous === undefined) return;
  const upcast = stepsUpcaster(event.upcast.steps);
  const validate = compiler.compile(event);
  for (const example of previous.examples) {
    if (!isPlainObject(example.payload)) continue;
    const result = { ...upcast(example.payload as JsonObject), version: event.version };
    if (!validate(result)) {
      sink.error(
        "evc-upcast-invalid",
        `the upcast of "${event.type}" v${event.version} turns the v${previous.version} example${example.name === undefined ? "" : ` "${example.name}"`} into an invalid v${event.version}: ${formatIssues(validate.errors ?? [])}`,
        event.location,
      );
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}
