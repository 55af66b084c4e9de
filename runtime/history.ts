/**
 * Event history read from the streams themselves (JetStream's, or the in-memory bus's), with no second cache that could drift: the last
 * events of a type, a replay from a sequence or a time, and queries across aggregates by type,
 * aggregate type and time range. Types are matched by their `ce-type` header before any body is
 * parsed; every event is validated and upcast to the latest version of its type. A read takes one
 * target or a list of them; it reads each stream once, through the channel filters of all its
 * types (`stream-reader.ts`), and merges reads of several streams by the time they stored them.
 */
import type { EventBus } from "./bus.js";
import type { EventContract } from "./contract.js";
import { ArgumentError } from "./errors.js";
import { versionOf } from "./event-types.js";
import { mergeOrdered } from "./merge-ordered.js";
import type { KnownSelection, KnownTarget, ReadTarget, ReadTargets, SelectedEvents, TargetEvents } from "./read-types.js";
import type { Registry } from "./registry.js";
import { resolveTargets, streamsOf, type Targets } from "./routing.js";
import { latestTargets, toStoredEvent, type StoredEvent } from "./stored-event.js";
import type { RawMessage, ReadRange } from "./stream-reader.js";
import { contractFilters, matchesPattern } from "./subject.js";
import { requireDate, requireNumber, shown } from "./argument-checks.js";

/** What history reads need of a bus (`EventBus` or `MemoryBus`): its registry (whose `Events` type the reads) and its stored messages. */
export type HistoryHost<Events = unknown> = Pick<EventBus<Events>, "messages" | "registry">;

/** Which events a query selects; every field is optional. */
export interface EventQuery {
  /**
   * An event type's handle (its latest version), a contract (that version), a type name or a
   * pattern over type names with NATS wildcards (`task.*`, each type at its latest version), or a
   * list of them (`[TaskCreated, "context.*"]`, the events of any); default every type.
   */
  readonly type?: ReadTargets;
  /** Only events of this aggregate type (`task`, `model_catalog`). */
  readonly aggregateType?: string;
  /** Only events of this system (`devops-mcp`). */
  readonly system?: string;
  /** Only events stored at or after this time. */
  readonly from?: Date;
  /** Only events stored at or before this time. */
  readonly to?: Date;
  /** At most this many events, the oldest first; default 1,000. */
  readonly limit?: number;
}

/** Where a replay starts: a stream sequence (for types on one stream) or a time; default the first stored event. */
export interface ReplayOptions {
  /** An event type's handle, a contract, a type name or pattern with NATS wildcards, or a list of them, as in `EventQuery`. */
  readonly type: ReadTargets;
  readonly fromSeq?: number;
  readonly fromTime?: Date;
}

/** One read of a selection: a stream and the subject filters of its types on it. */
type Source = Pick<ReadRange, "stream" | "filter">;

/** The event types a selection matches, each at the version it is read as, where to read them, and what it was asked as. */
interface Selection {
  readonly targets: Targets;
  readonly sources: readonly Source[];
  /** The type names and patterns of the selection, as messages name them. */
  readonly names: string;
}

/**
 * Reads the history of a bus's events from its JetStream streams (or the in-memory bus's), typed by
 * the bus's registry: what a read returns follows from the handle, contract, type name or pattern it
 * is given (`read-types.ts`).
 */
export class EventHistory<Events = unknown> {
  readonly #host: HistoryHost<Events>;

  constructor(host: HistoryHost<Events>) {
    this.#host = host;
  }

  /**
   * The last `limit` events of a type (a handle, a contract, a type name), a pattern or a list of
   * them, oldest first and newest last, at the handle's or type's latest version (a contract's own). Reads backwards
   * from the end of each stream in growing windows, so the cost follows how far back the events
   * are, not how long the stream is.
   */
  async getEventHistory<const T extends ReadTargets>(type: T & KnownTarget<Events, T>, limit: number): Promise<StoredEvent<TargetEvents<Events, T>>[]> {
    requireNumber("limit", limit, "count");
    const selection = select(this.#host.registry, { type });
    const found = await Promise.all(selection.sources.map((source) => this.#lastOf<TargetEvents<Events, T>>(selection.targets, source, limit)));
    return found.flat().sort(byStorageTime).slice(-limit);
  }

  /**
   * Replay the stored events of a type, a pattern or a list of them from a sequence or a time up to the end of what
   * the streams hold when the replay starts, oldest first, at the latest version (a contract's own).
   */
  async *replay<const O extends ReplayOptions>(options: O & KnownSelection<Events, O>): AsyncGenerator<StoredEvent<SelectedEvents<Events, O>>> {
    if (options.fromSeq !== undefined && options.fromTime !== undefined) throw new ArgumentError("options", "either fromSeq or fromTime, not both");
    if (options.fromSeq !== undefined) requireNumber("fromSeq", options.fromSeq, "count");
    if (options.fromTime !== undefined) requireDate("fromTime", options.fromTime);
    const selection = select(this.#host.registry, { type: options.type });
    const streams = new Set(selection.sources.map((source) => source.stream));
    if (options.fromSeq !== undefined && streams.size > 1) {
      throw new ArgumentError("fromSeq", `a sequence of one stream, but "${selection.names}" spans the streams ${[...streams].join(", ")}; replay from a time instead`);
    }
    const start = options.fromSeq !== undefined ? { seq: options.fromSeq } : options.fromTime !== undefined ? { time: options.fromTime } : undefined;
    const ends = await this.#lastSeqs(streams);
    yield* mergeOrdered(selection.sources.map((source) => this.#read<SelectedEvents<Events, O>>(selection.targets, { ...source, start, endSeq: ends.get(source.stream) })), byStorageTime);
  }

  /**
   * The events a query selects, oldest first, at most `limit`, at the latest version (a contract's
   * own); typed by its `type` and `aggregateType` when they are a handle, a contract or literals.
   */
  async query<const Q extends EventQuery>(query: Q & KnownSelection<Events, Q>): Promise<StoredEvent<SelectedEvents<Events, Q>>[]> {
    type T = SelectedEvents<Events, Q>;
    const limit = query.limit ?? 1_000;
    requireNumber("limit", limit, "count");
    if (query.from !== undefined) requireDate("from", query.from);
    if (query.to !== undefined) requireDate("to", query.to);
    const selection = select(this.#host.registry, query);
    const ends = await this.#lastSeqs(new Set(selection.sources.map((source) => source.stream)));
    const start = query.from === undefined ? undefined : { time: query.from };
    const found: StoredEvent<T>[] = [];
    const readers = selection.sources.map((source) => this.#read<T>(selection.targets, { ...source, start, endSeq: ends.get(source.stream) }, query.to));
    for await (const event of mergeOrdered(readers, byStorageTime)) {
      found.push(event);
      if (found.length >= limit) break;
    }
    return found;
  }

  async *#read<T>(targets: Targets, range: ReadRange, to?: Date): AsyncGenerator<StoredEvent<T>> {
    if (range.endSeq === 0) return;
    for await (const message of this.#host.messages.read(range)) {
      if (to !== undefined && message.time > to) return;
      const event = toStoredEvent<T>(this.#host.registry, targets, message);
      if (event !== undefined) yield event;
    }
  }

  async #lastOf<T>(targets: Targets, source: Source, limit: number): Promise<StoredEvent<T>[]> {
    const { first, last } = await this.#host.messages.bounds(source.stream);
    const found: StoredEvent<T>[] = [];
    let end = last;
    let window = Math.max(64, limit * 4);
    while (found.length < limit && end >= Math.max(first, 1)) {
      const start = Math.max(first, end - window + 1);
      const messages: RawMessage[] = [];
      for await (const message of this.#host.messages.read({ ...source, start: { seq: start }, endSeq: end })) messages.push(message);
      // Read from the newest back, only as many as are wanted: an older event that cannot be read is none of them.
      const chunk: StoredEvent<T>[] = [];
      for (let index = messages.length - 1; index >= 0 && found.length + chunk.length < limit; index--) {
        const event = toStoredEvent<T>(this.#host.registry, targets, messages[index] as RawMessage);
        if (event !== undefined) chunk.unshift(event);
      }
      found.unshift(...chunk);
      end = start - 1;
      window *= 4;
    }
    return found.slice(-limit);
  }

  async #lastSeqs(streams: Iterable<string>): Promise<Map<string, number>> {
    const ends = new Map<string, number>();
    for (const stream of streams) ends.set(stream, (await this.#host.messages.bounds(stream)).last);
    return ends;
  }
}

/** The type name or pattern a target names. */
function nameOf(target: ReadTarget): string {
  return typeof target === "string" ? target : target.type;
}

/**
 * The targets a read names (every type when it names none), checked at run time as the compiler
 * checks literals: one handle, contract, type name or pattern, or a non-empty list of them.
 */
function targetsOf(type: unknown): readonly ReadTarget[] {
  if (type === undefined) return [">"];
  if (!Array.isArray(type)) {
    if (!isReadTarget(type)) throw new ArgumentError("type", `a handle, a contract, a type name or pattern, or a list of them, not ${shown(type)}`);
    return [type];
  }
  if (type.length === 0) throw new ArgumentError("type", "a list of at least one handle, contract, type name or pattern, not []");
  const bad = type.findIndex((target) => !isReadTarget(target));
  if (bad >= 0) throw new ArgumentError("type", `a list of handles, contracts, type names and patterns, not ${shown(type[bad])} at [${bad}]`);
  return type as readonly ReadTarget[];
}

function isReadTarget(value: unknown): value is ReadTarget {
  return typeof value === "string" || (typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string");
}

/**
 * The types a query matches, each at the version it is read as (its latest, or the contract's),
 * and the streams and channel filters to read them from; throws `ArgumentError` when one of its
 * targets matches none, or when two of them ask for one type at two versions.
 */
function select(registry: Registry, query: Pick<EventQuery, "type" | "aggregateType" | "system">): Selection {
  const wanted = targetsOf(query.type);
  const targets = new Map<string, EventContract>();
  for (const target of wanted) {
    const pattern = nameOf(target);
    const types = registry.types().filter((type) => {
      const latest = registry.latest(type);
      return (
        matchesPattern(type, pattern) &&
        (query.aggregateType === undefined || latest?.aggregateType === query.aggregateType) &&
        (query.system === undefined || latest?.system === query.system)
      );
    });
    if (types.length === 0) throw noMatch(registry, query, pattern);
    const version = typeof target === "object" ? versionOf(target) : undefined;
    for (const [type, contract] of version === undefined ? latestTargets(registry, types) : resolveTargets(registry, types, version)) {
      const other = targets.get(type);
      if (other !== undefined && other.version !== contract.version) {
        throw new ArgumentError("type", `each event type at one version, but the list asks for "${type}" at v${other.version} and at v${contract.version}`);
      }
      targets.set(type, contract);
    }
  }
  const sources: Source[] = [];
  for (const [spec, contracts] of streamsOf(registry, targets)) {
    const filters = contractFilters(contracts);
    sources.push({ stream: spec.name, filter: filters.length === 0 ? undefined : filters });
  }
  return { targets, sources, names: wanted.map(nameOf).join(", ") };
}

/** The `ArgumentError` of a target that matches no type of the registry with the query's aggregate type and system. */
function noMatch(registry: Registry, query: Pick<EventQuery, "type" | "aggregateType" | "system">, pattern: string): ArgumentError {
  const asked = [
    ...(query.type === undefined ? [] : [`the type pattern "${pattern}"`]),
    ...(query.aggregateType === undefined ? [] : [`aggregate type "${query.aggregateType}"`]),
    ...(query.system === undefined ? [] : [`system "${query.system}"`]),
  ];
  const known = query.aggregateType === undefined ? "" : ` (the aggregate types: ${knownValues(registry, (contract) => contract.aggregateType)})`;
  return new ArgumentError("query", `a selection matching event types of the registry, but no type matches ${asked.join(" with ")}${known}`);
}

function byStorageTime(a: StoredEvent<unknown>, b: StoredEvent<unknown>): number {
  return a.time.getTime() - b.time.getTime() || a.stream.localeCompare(b.stream) || a.seq - b.seq;
}

/** The distinct values a field of the registry's latest contracts takes, sorted and quoted. */
function knownValues(registry: Registry, field: (contract: EventContract) => string | undefined): string {
  const values = new Set<string>();
  for (const type of registry.types()) {
    const latest = registry.latest(type);
    const value = latest === undefined ? undefined : field(latest);
    if (value !== undefined) values.add(value);
  }
  return [...values].sort().map((value) => JSON.stringify(value)).join(", ");
}
