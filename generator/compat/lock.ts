/**
 * The lock of released contracts (`evc.lock.yaml`), checked in beside the configuration like a
 * lockfile: each released event version with the mode it was released with and its canonical
 * payload schema. `evc check` holds the specs to it whatever the git history; `evc release`
 * writes it. Breaking changes accepted in the configuration pass, reported as accepted.
 */
import { existsSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";
import type { AcceptedBreak } from "../config.js";
import { ConfigError } from "../config.js";
import { DiagnosticSink, type SpecDiagnostic } from "../diagnostics.js";
import type { EventModel } from "../model.js";
import { SourceFiles } from "../sources.js";
import { type CompatibilityMode, isPlainObject, type JsonSchema } from "@evc/runtime/codegen";
import { compatibilityModes } from "./check.js";
import { diffContracts, type ContractChange, type ContractSide, type ReleasedVersion } from "./contracts.js";
import type { CompatibilityPolicy } from "./differ.js";
import { stableText } from "./schema-node.js";

/** The name of an event version in the lock and in accepted breaks: `record-created@v2`. */
export function contractName(version: { readonly type: string; readonly version: number }): string {
  return `${version.type}@v${version.version}`;
}

const header = [
  "# The released event contracts: `evc check` fails when a version here changes in a way its",
  "# compatibility mode forbids. Written by `evc release`; do not edit by hand.",
  "",
].join("\n");

/**
 * The released versions recorded in a lock file, each located where the lock names it; an empty
 * list when the file does not exist. Throws `ConfigError` at `file:line:col` when it is malformed.
 */
export function readLock(path: string, cwd: string): ReleasedVersion[] {
  if (!existsSync(path)) return [];
  const sources = new SourceFiles(cwd);
  const sink = new DiagnosticSink();
  const file = sources.load(path, sink);
  if (file === undefined) throw new ConfigError(sink.all(), "lock");
  const problems: SpecDiagnostic[] = [];
  const at = (tokens: string[], message: string) => problems.push({ severity: "error", code: "evc-lock", message, location: sources.locate(file, tokens) });
  const json = file.json;
  const contracts = isPlainObject(json) ? json["contracts"] : undefined;
  if (!isPlainObject(json) || json["version"] !== 1 || !isPlainObject(contracts)) {
    at([], 'a lock needs "version: 1" and a "contracts" map; run `evc release` to write one');
    throw new ConfigError(problems, "lock");
  }
  const versions: ReleasedVersion[] = [];
  for (const [name, entry] of Object.entries(contracts)) {
    const match = /^(.+)@v([1-9][0-9]*)$/.exec(name);
    const mode = isPlainObject(entry) ? entry["compatibility"] : undefined;
    if (match === null) at(["contracts", name], `"${name}" is not an event version: expected "<type>@v<N>"`);
    else if (!isPlainObject(entry) || !("schema" in entry)) at(["contracts", name], `"${name}" has no schema`);
    else if (!compatibilityModes.includes(mode as CompatibilityMode)) at(["contracts", name, "compatibility"], `"${name}" has no valid compatibility mode`);
    else {
      versions.push({
        type: match[1] as string,
        version: Number(match[2]),
        compatibility: mode as CompatibilityMode,
        schema: entry["schema"] as JsonSchema,
        location: sources.locate(file, ["contracts", name]),
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, "lock");
  return versions;
}

/** The text of the lock for these event versions: sorted, canonical (object keys sorted), stable across runs. */
export function lockText(events: readonly EventModel[]): string {
  const contracts: Record<string, unknown> = {};
  for (const event of [...events].sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version)) {
    contracts[contractName(event)] = { compatibility: event.compatibility, schema: JSON.parse(stableText(event.schema)) as unknown };
  }
  return header + stringify({ version: 1, contracts }, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Write the lock for these event versions. */
export function writeLock(path: string, events: readonly EventModel[]): void {
  writeFileSync(path, lockText(events));
}

/** The changes with every breaking one that an accepted break names marked `accepted` (with its reason), and the accepted breaks that matched nothing. */
export function applyAccepted(changes: readonly ContractChange[], accepted: readonly AcceptedBreak[]): { changes: ContractChange[]; unused: AcceptedBreak[] } {
  const used = new Set<AcceptedBreak>();
  const marked = changes.map((change) => {
    if (change.severity !== "breaking") return change;
    const entry = accepted.find((candidate) => candidate.contract === contractName(change) && candidate.rule === change.rule);
    if (entry === undefined) return change;
    used.add(entry);
    return { ...change, severity: "accepted" as const, reason: entry.reason };
  });
  return { changes: marked, unused: accepted.filter((entry) => !used.has(entry)) };
}

/** What holding the specs to the lock found. */
export interface LockCheck {
  /** False when there is no lock yet: nothing is released, nothing is held. */
  readonly locked: boolean;
  /**
   * Every change from the lock to the specs, accepted breaks marked. An accepted break that matches
   * none is not stale here: once released, its change is in the lock, but the baseline branch may not
   * hold it yet (`evc diff`, which compares with the baseline, says when an entry can go).
   */
  readonly changes: readonly ContractChange[];
}

/** What holding specs to a lock needs: the lock's path and the gate's settings. */
export interface LockCheckOptions {
  readonly lock: string;
  readonly cwd: string;
  readonly policy: CompatibilityPolicy;
  readonly accept: readonly AcceptedBreak[];
}

/** Hold the contracts of the specs to the released ones of the lock: each released version to its mode, none removed, new ones upcast. */
export function checkLock(head: ContractSide, options: LockCheckOptions): LockCheck {
  const released = readLock(options.lock, options.cwd);
  const changes = diffContracts(released, head, { policy: options.policy, revision: "the lock" });
  return { locked: existsSync(options.lock), changes: applyAccepted(changes, options.accept).changes };
}
