import type { EventContract, JsonObject } from "./contract.js";
import { ArgumentError, UnknownEventError, UpcastError, formatIssues } from "./errors.js";
import type { JetStreamTopology, StreamSpec } from "./topology.js";
import { withOwn } from "./json.js";

/** What the generated registry hands to `createRegistry`. */
export interface RegistryInput {
  readonly contracts: readonly EventContract[];
  readonly topology: JetStreamTopology;
}

/** Type-level only: where a registry keeps the type of its events. */
declare const eventTypes: unique symbol;

/**
 * Every event contract by type and version, the JetStream topology, and the upcast chains between
 * versions. `Events` (the generated `LatestEvents`: type name → latest class) types the bus.
 */
export interface Registry<Events = unknown> {
  /** Never set: carries `Events` for the compiler. */
  readonly [eventTypes]?: Events;
  /** The JetStream streams and consumer defaults the specs declare. */
  readonly topology: JetStreamTopology;
  /** Look up one version of an event type; undefined when unknown. */
  get(type: string, version: number): EventContract | undefined;
  /** Look up the newest version of an event type; undefined when unknown. */
  latest(type: string): EventContract | undefined;
  /** List the versions of an event type, oldest first. */
  versions(type: string): readonly EventContract[];
  /** List every event type, sorted. */
  types(): readonly string[];
  /** List every contract, by type then version. */
  contracts(): readonly EventContract[];
  /** Look up a declared stream by name. */
  stream(name: string): StreamSpec | undefined;
  /**
   * Bring the JSON of `type` v`fromVersion` to v`toVersion` (the latest by default) through the upcast
   * chain, and validate the result; throws `UnknownEventError` or `UpcastError`.
   */
  upcast(json: JsonObject, type: string, fromVersion: number, toVersion?: number): JsonObject;
}

/** Build a registry from contracts; throws `ArgumentError` on a repeated type and version or a gap between versions. */
export function createRegistry<Events = unknown>(input: RegistryInput): Registry<Events> {
  const byType = groupByType(input.contracts);
  const streams = new Map(input.topology.streams.map((stream) => [stream.name, stream]));
  const sortedTypes = [...byType.keys()].sort();
  const all = sortedTypes.flatMap((type) => byType.get(type) ?? []);

  const versionsOf = (type: string): readonly EventContract[] => byType.get(type) ?? [];
  const get = (type: string, version: number): EventContract | undefined => versionsOf(type)[version - 1];
  const latest = (type: string): EventContract | undefined => versionsOf(type).at(-1);

  return {
    topology: input.topology,
    get,
    latest,
    versions: versionsOf,
    types: () => sortedTypes,
    contracts: () => all,
    stream: (name) => streams.get(name),
    upcast(json, type, fromVersion, toVersion) {
      const versions = versionsOf(type);
      const target = toVersion ?? versions.length;
      if (get(type, fromVersion) === undefined) throw new UnknownEventError(type, fromVersion, versions.map((c) => c.version));
      const targetContract = get(type, target);
      if (targetContract === undefined) throw new UnknownEventError(type, target, versions.map((c) => c.version));
      if (target < fromVersion) throw new UpcastError(type, fromVersion, target, "events are only upcast, never downcast");
      let current = json;
      for (let version = fromVersion + 1; version <= target; version++) {
        current = upcastStep(versionsOf(type)[version - 1] as EventContract, current, fromVersion);
      }
      if (!targetContract.validate(current)) {
        throw new UpcastError(type, fromVersion, target, `the result is not a valid v${target}: ${formatIssues(targetContract.validate.errors ?? [])}`);
      }
      return current;
    },
  };
}

/** The stream that declares the aggregate type of `contract` event-sourced (written by the event store only); undefined for any other event. */
export function eventSourcedStream(registry: Registry, contract: EventContract): StreamSpec | undefined {
  if (contract.aggregateType === undefined || contract.stream === undefined) return undefined;
  const stream = registry.stream(contract.stream);
  return stream?.eventSourced.includes(contract.aggregateType) === true ? stream : undefined;
}

function upcastStep(contract: EventContract, json: JsonObject, fromVersion: number): JsonObject {
  if (contract.upcast === undefined) {
    throw new UpcastError(contract.type, fromVersion, contract.version, `v${contract.version} declares no upcast from v${contract.version - 1}`);
  }
  let next: JsonObject;
  try {
    next = contract.upcast(json);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UpcastError(contract.type, fromVersion, contract.version, `the upcaster to v${contract.version} failed: ${detail}`, { cause: error });
  }
  return contract.envelope ? withOwn(next, "version", contract.version) : next;
}

function groupByType(contracts: readonly EventContract[]): Map<string, EventContract[]> {
  const byType = new Map<string, EventContract[]>();
  for (const contract of contracts) {
    const versions = byType.get(contract.type) ?? [];
    if (versions.some((existing) => existing.version === contract.version)) {
      throw new ArgumentError("contracts", `one contract per type and version, but "${contract.type}" v${contract.version} is there twice`);
    }
    versions.push(contract);
    byType.set(contract.type, versions);
  }
  for (const [type, versions] of byType) {
    versions.sort((a, b) => a.version - b.version);
    versions.forEach((contract, index) => {
      if (contract.version !== index + 1) {
        throw new ArgumentError("contracts", `versions of "${type}" must run 1, 2, 3, ... without gaps, but v${index + 1} is missing`);
      }
    });
  }
  return byType;
}
