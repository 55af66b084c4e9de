/**
 * Which event types a pattern names, which version each is delivered at, which streams hold them,
 * and what consumer filter reaches them: shared by subscriptions and `evc tail`.
 */
import type { ConsumerConfig } from "@nats-io/jetstream";
import type { EventContract, JsonObject } from "./contract.js";
import { announcedType, decodeMessage } from "./codec.js";
import { convertVersion } from "./downcast.js";
import { ArgumentError, DecodeError } from "./errors.js";
import type { HeaderLookup } from "./headers.js";
import { checkId } from "./identifiers.js";
import type { Registry } from "./registry.js";
import { oneConsumerTakes, type ServerVersion } from "./server-features.js";
import { contractFilters, matchesPattern, subjectOf } from "./subject.js";
import type { StreamSpec } from "./topology.js";

/** The event types a pattern matches, each with the contract events are delivered as. */
export type Targets = ReadonlyMap<string, EventContract>;

/** Resolve types or patterns to their targets; throws `ArgumentError` when one matches nothing or `version` does not fit. */
export function resolveTargets(registry: Registry, patterns: string | readonly string[], version: number | undefined): Targets {
  const list = typeof patterns === "string" ? [patterns] : patterns;
  const types = new Set<string>();
  for (const pattern of list) {
    const matched = registry.types().filter((type) => matchesPattern(type, pattern));
    if (matched.length === 0) throw new ArgumentError("pattern", `an event type or a pattern matching one, but "${pattern}" matches none of the registry's ${registry.types().length} types`);
    for (const type of matched) types.add(type);
  }
  if (version !== undefined && (types.size !== 1 || list.length !== 1 || !types.has(list[0] as string))) {
    throw new ArgumentError("version", `only for a subscription to one event type, but "${list.join(", ")}" is not one type`);
  }
  return new Map(
    [...types].map((type) => {
      const target = version === undefined ? registry.latest(type) : registry.get(type, version);
      if (target === undefined) throw new ArgumentError("version", `a version of "${type}" (${registry.versions(type).map((c) => c.version).join(", ")}), not ${String(version)}`);
      return [type, target];
    }),
  );
}

/** What a subscription to `patterns` reads, after checking its durable name: its targets, and the streams that hold them. */
export function subscriptionRoutes(
  registry: Registry,
  patterns: readonly string[],
  options: { readonly durable: string; readonly version: number | undefined },
): { targets: Targets; streams: Map<StreamSpec, EventContract[]> } {
  checkId("durable", options.durable, "consumer-name");
  const targets = resolveTargets(registry, patterns, options.version);
  return { targets, streams: streamsOf(registry, targets) };
}

/** The streams holding every version of the targets, with the contracts on each; throws when one is on no declared stream. */
export function streamsOf(registry: Registry, targets: Targets): Map<StreamSpec, EventContract[]> {
  const byStream = new Map<StreamSpec, EventContract[]>();
  for (const type of targets.keys()) {
    for (const contract of registry.versions(type)) {
      const spec = contract.stream === undefined ? undefined : registry.stream(contract.stream);
      if (spec === undefined) throw new ArgumentError("pattern", `event types whose streams the specs declare, but "${contract.type}" v${contract.version} is on no declared stream`);
      byStream.set(spec, [...(byStream.get(spec) ?? []), contract]);
    }
  }
  return byStream;
}

/** The narrowest consumer filter for contracts on one stream: one subject, several (2.10+, none overlapping), or none (2.9, or overlapping subjects). */
export function consumerFilter(contracts: readonly EventContract[], server: ServerVersion): Pick<ConsumerConfig, "filter_subject"> | Pick<ConsumerConfig, "filter_subjects"> | object {
  const patterns = contractFilters(contracts);
  if (patterns.length === 1) return { filter_subject: patterns[0] as string };
  if (patterns.length > 1 && oneConsumerTakes(server, patterns)) return { filter_subjects: patterns };
  return {};
}

/** Throw `DecodeError` when a message's body names another aggregate (or other subject parameters) than the subject it came on. */
function requireOwnSubject(contract: EventContract, json: JsonObject, subject: string): void {
  if (contract.subject === undefined) return;
  let expected: string;
  try {
    expected = subjectOf(contract, json);
  } catch (error) {
    throw new DecodeError(subject, (error as Error).message, { cause: error });
  }
  if (expected !== subject) throw new DecodeError(subject, `its body belongs on "${expected}" (another aggregate than its subject names); it is not handled as an event of either`);
}

/** A received event, decoded, validated and brought to its target version (upcast, or downcast for a consumer pinned to an older one). */
export interface ReceivedEvent {
  readonly event: unknown;
  readonly contract: EventContract;
  readonly receivedVersion: number;
}

/**
 * Decode a message into its target event; undefined when its headers name another type of the
 * registry that is not a target (other events of the same channel), without parsing the body.
 * Throws when the message can never be handled: `DecodeError` (no or bad type, version or spec
 * version headers, not JSON, or a body that names another aggregate than its subject),
 * `UnknownEventError` (a type or version the registry does not know, whatever the targets: no
 * reader can tell whether it was meant for it), `ValidationError`, `UpcastError`, `DowncastError`
 * (a newer version than the target that its readers cannot read).
 */
export function receiveEvent(registry: Registry, targets: Targets, subject: string, headers: HeaderLookup | undefined, body: Uint8Array): ReceivedEvent | undefined {
  const announced = announcedType(headers);
  if (announced !== undefined && !targets.has(announced.type) && registry.versions(announced.type).length > 0) return undefined;
  const { contract, json } = decodeMessage(subject, headers, body, registry, announced);
  requireOwnSubject(contract, json, subject);
  const target = targets.get(contract.type) as EventContract;
  const converted = target.version === contract.version ? json : convertVersion(registry, json, contract.type, contract.version, target.version);
  return { event: target.create(converted), contract: target, receivedVersion: contract.version };
}
