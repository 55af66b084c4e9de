/**
 * The event store: aggregates as the events on their one subject (`<system>.<aggregateType>.<id>`),
 * appended with optimistic concurrency and read back in order, upcast to the latest versions.
 *
 * Each event of an append is its own message, so subscribers, history and dead letters see store
 * events like any other. An append of N events publishes them one by one, each with
 * `Nats-Expected-Last-Subject-Sequence` set to the sequence of the one before, the first to the
 * sequence of the aggregate's last event; headers carry each event's aggregate version and the
 * version range of its append. A writer that read a stale version is refused at the first event,
 * so a conflict writes nothing. While an append is being written its subject ends in an event
 * whose version is short of its append's last version: other writers refuse to append after it
 * and loads leave it out, so no writer interleaves with it and no reader sees half of it. Only a
 * writer that dies mid-append leaves a partial append; after `abandonedAppendMs` it counts as
 * written. nats-server 2.9 has no atomic batch publish; docs/event-store.md weighs the options.
 */
import { PubHeaders, type StoredMsg } from "@nats-io/jetstream";
import type { EventBus } from "./bus.js";
import type { EventContract, EventInstance, JsonObject } from "./contract.js";
import type { AggregateEvents, KnownAggregateType } from "./read-types.js";
import { prepareEvent, withHeaders, type PreparedEvent } from "./codec.js";
import { ArgumentError, ContractError } from "./errors.js";
import { Header, readHeader } from "./headers.js";
import { EventHistory } from "./history.js";
import { isWrongLastSequence } from "./jetstream-errors.js";
import { kvKeyToken } from "./kv-key.js";
import { resolveEvent, sendEvent, type PublishAck, type Publishable, type PublishSettings } from "./publish.js";
import { AggregateSubjects, type AggregateRef, type AggregateSubject } from "./aggregate-subject.js";
import { SnapshotStore, type Snapshot } from "./snapshots.js";
import { StoreHeader, toStoredEvent, type StoredEvent } from "./stored-event.js";
import { fromStoredMsg, readStream, type RawMessage, type ReadStart } from "./stream-reader.js";
import { requireNumber, requireNumberOptions, withDefaults } from "./argument-checks.js";

/** Options of an event store; every field has a default (`defaultEventStoreOptions`). */
export interface EventStoreOptions {
  /** The key-value bucket snapshots are kept in. */
  readonly snapshotBucket: string;
  /**
   * How long after its last stored event an unfinished append counts as abandoned by a writer that
   * died, so that other writers may append after it. A writer gives up on its own append after half
   * of this. Clocks of writers and server must agree to well within it.
   */
  readonly abandonedAppendMs: number;
  /** Aggregates whose last version and sequence the store remembers, so that appends skip the lookup. */
  readonly tailCacheSize: number;
}

/** The defaults: snapshots in `evc-snapshots`, appends abandoned after 30 s, 10,000 aggregates remembered. */
export function defaultEventStoreOptions(): EventStoreOptions {
  return { snapshotBucket: "evc-snapshots", abandonedAppendMs: 30_000, tailCacheSize: 10_000 };
}

/** What `append` needs besides the events. */
export interface AppendOptions {
  /** The aggregate version the events were decided on: 0 for a new aggregate. */
  readonly expectedVersion: number;
}

/** What an append stored. */
export interface AppendResult {
  /** The aggregate's version after the append. */
  readonly version: number;
  /** The stream sequence of the aggregate's last event. */
  readonly seq: number;
  /** True when the first event's id was already stored (the append ran before) and nothing was written. */
  readonly duplicate: boolean;
  /** The stream's ack of each event written. */
  readonly acks: readonly PublishAck[];
}

/**
 * What `append` takes for aggregate type `A`: events of that aggregate type, any version (an untyped
 * `EventInstance` is checked at run time); any event or event's JSON when `A` is not a literal.
 */
export type AppendableEvent<A extends string> = string extends A ? Publishable : EventInstance & { readonly aggregateType?: A };

/** An event of an aggregate as loaded, with its aggregate version. */
export type RecordedEvent<T = EventInstance> = StoredEvent<T> & { readonly aggregateVersion: number };

/** What `load` takes; every field is optional. */
export interface LoadOptions {
  /** The first aggregate version to return; default 1. */
  readonly fromVersion?: number;
  /** The stream sequence of the event at `fromVersion - 1`, when known (a snapshot's): the read starts right after it. */
  readonly afterSeq?: number;
}

/** The events of an aggregate. */
export interface LoadedEvents<T = EventInstance> {
  readonly events: readonly RecordedEvent<T>[];
  /** The aggregate's version: that of its last (wholly written) event, 0 when it has none. */
  readonly version: number;
  /** The stream sequence of the event at `version`, when known. */
  readonly seq: number | undefined;
}

/** Thrown by `append` when the aggregate is no longer at the expected version; nothing was written. */
export class ConcurrencyError extends ContractError {
  readonly subject: string;
  readonly expectedVersion: number;
  readonly actualVersion: number;
  /** True when another writer's append is being written right now. */
  readonly inProgress: boolean;

  constructor(subject: string, expectedVersion: number, actualVersion: number, inProgress: boolean) {
    const state = inProgress ? `another writer's append on top of version ${actualVersion} is still being written` : `it is at version ${actualVersion}`;
    super(`cannot append to "${subject}" at version ${expectedVersion}: ${state}; load it again and retry`);
    this.name = "ConcurrencyError";
    this.subject = subject;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
    this.inProgress = inProgress;
  }
}

/** Thrown when an append stopped after some of its events were stored (a lost server, a reused event id); `stored` lists them. */
export class PartialAppendError extends ContractError {
  readonly subject: string;
  readonly stored: readonly PublishAck[];
  readonly total: number;

  constructor(subject: string, stored: readonly PublishAck[], total: number, detail: string, options?: ErrorOptions) {
    super(`append to "${subject}" stopped after ${stored.length} of ${total} events: ${detail}; the stored events stay, and the aggregate takes new appends once the append counts as abandoned`, options);
    this.name = "PartialAppendError";
    this.subject = subject;
    this.stored = stored;
    this.total = total;
  }
}

/**
 * Thrown when the messages on an aggregate's subject are not the gapless, versioned sequence the store
 * writes (published around it, or removed by stream limits), or hold an event of a type the
 * aggregate's definition does not declare (`Repository.load`).
 */
export class AggregateHistoryError extends ContractError {
  readonly subject: string;

  constructor(subject: string, detail: string) {
    super(`cannot load the aggregate on "${subject}": ${detail}`);
    this.name = "AggregateHistoryError";
    this.subject = subject;
  }
}

/** The last event on an aggregate's subject: its version and sequence, and the range of the append it belongs to. */
/** One event of an append: its contract, its JSON, and the message it becomes (headers are written per attempt). */
interface Part {
  readonly contract: EventContract;
  readonly json: JsonObject;
  readonly prepared: PreparedEvent;
}

interface Tail {
  readonly version: number;
  readonly seq: number;
  readonly first: number;
  readonly last: number;
  readonly time: Date;
}

/** The aggregate's last wholly written version and the sequence of its event, as a writer appends after it. */
interface Base {
  readonly version: number;
  readonly seq: number;
}

/** Open the snapshot bucket (creating it when missing) and return an event store on the bus, typed by its registry. */
export async function createEventStore<Events = unknown>(bus: EventBus<Events>, options: Partial<EventStoreOptions> = {}): Promise<EventStore<Events>> {
  const settings = withDefaults(defaultEventStoreOptions(), options);
  requireNumberOptions(settings, { abandonedAppendMs: "milliseconds", tailCacheSize: "count or 0" });
  return new EventStore(bus, settings, await SnapshotStore.open(bus.jetstream, bus.manager, bus.registry.topology, settings.snapshotBucket));
}

/**
 * Appends, loads, snapshots and queries the events of aggregates. `Events` (the generated
 * `LatestEvents`, from the bus's registry) types `load` by a literal aggregate type and `query` as
 * `EventHistory.query`.
 */
export class EventStore<Events = unknown> {
  readonly bus: EventBus<Events>;
  readonly options: EventStoreOptions;
  /** Events across aggregates by type, aggregate type, system and storage time, oldest first: `EventHistory.query` on the store's bus. */
  readonly query: EventHistory<Events>["query"];
  readonly #subjects: AggregateSubjects;
  readonly #snapshots: SnapshotStore;
  readonly #tails = new Map<string, Base>();

  /** Use `createEventStore`. */
  constructor(bus: EventBus<Events>, options: EventStoreOptions, snapshots: SnapshotStore) {
    this.bus = bus;
    this.options = options;
    this.#subjects = new AggregateSubjects(bus.registry);
    this.#snapshots = snapshots;
    const history = new EventHistory(bus);
    this.query = history.query.bind(history);
  }

  /** The subject and stream of an aggregate. */
  subjectOf(ref: AggregateRef): AggregateSubject {
    return this.#subjects.resolve(ref);
  }

  /**
   * Append events to an aggregate if it is still at `expectedVersion`. With a literal
   * `ref.aggregateType`, events of another aggregate type do not compile. Every event is
   * validated before anything is sent (`ValidationError`, `ArgumentError` for an event of another
   * aggregate). Throws `ConcurrencyError`, having written nothing, when another writer appended first.
   */
  async append<const A extends string>(ref: AggregateRef<A & KnownAggregateType<Events, A>>, events: readonly AppendableEvent<NoInfer<A>>[], options: AppendOptions): Promise<AppendResult> {
    const target = this.#subjects.resolve(ref);
    requireNumber("expectedVersion", options.expectedVersion, "count or 0");
    if (events.length === 0) throw new ArgumentError("events", "at least one event to append");
    const parts = this.#encode(target, events as readonly Publishable[]);
    const cached = this.#tails.get(target.subject);
    if (cached !== undefined && cached.version === options.expectedVersion) {
      const result = await this.#write(target, parts, cached);
      if (result !== undefined) return result;
      this.#tails.delete(target.subject);
    }
    let base: Base;
    try {
      base = await this.#base(target, options.expectedVersion);
    } catch (error) {
      // The same append run again (its ack was lost): the server still knows its first event's id.
      const again = error instanceof ConcurrencyError && error.actualVersion > options.expectedVersion ? await this.#appendedBefore(target, parts) : undefined;
      if (again !== undefined) return again;
      throw error;
    }
    const result = await this.#write(target, parts, base);
    if (result !== undefined) return result;
    throw await this.#conflict(target, options.expectedVersion);
  }

  /**
   * Whether the first event of an append is stored already (within the stream's duplicate window),
   * asked of the server by publishing it where it cannot be stored: after a subject sequence no
   * subject reaches (not 0: a subject whose events expired is empty, and would take it). JetStream
   * answers a known id as a duplicate before it checks the sequence, and refuses a new one. The
   * aggregate as it is when it was; undefined when the id is new.
   */
  async #appendedBefore(target: AggregateSubject, parts: readonly Part[]): Promise<AppendResult | undefined> {
    const [first] = parts;
    if (first === undefined) return undefined;
    const settings: PublishSettings = { attemptTimeoutMs: this.bus.settings.publishTimeoutMs, retryForMs: 0, maxInFlight: 1, maxPayload: this.bus.maxPayload };
    try {
      const ack = await sendEvent(this.bus.acks, withHeaders(first.prepared, { [PubHeaders.ExpectedLastSubjectSequenceHdr]: String(Number.MAX_SAFE_INTEGER) }), first.contract, settings);
      if (!ack.duplicate) return undefined;
    } catch (error) {
      if (isWrongLastSequence(error)) return undefined;
      throw error;
    }
    return this.#storedBefore(target);
  }

  /** The result of an append whose first event was stored before: nothing written, the aggregate as it is. */
  async #storedBefore(target: AggregateSubject): Promise<AppendResult> {
    const tail = await this.#tail(target);
    return { version: tail === undefined ? 0 : this.#committed(tail), seq: tail?.seq ?? 0, duplicate: true, acks: [] };
  }

  /**
   * The events of an aggregate from `fromVersion` on, in order, each upcast to the latest version of
   * its type: typed as the events of its aggregate type when `ref.aggregateType` is a literal (one no
   * event type has does not compile), else as any event.
   */
  async load<const A extends string>(ref: AggregateRef<A & KnownAggregateType<Events, A>>, options: LoadOptions = {}): Promise<LoadedEvents<AggregateEvents<Events, A>>> {
    type T = AggregateEvents<Events, A>;
    const target = this.#subjects.resolve(ref);
    const fromVersion = options.fromVersion ?? 1;
    requireNumber("fromVersion", fromVersion, "count");
    const tail = await this.#tail(target);
    if (tail === undefined) {
      await this.#requireNoSnapshot(target);
      return { events: [], version: 0, seq: undefined };
    }
    const version = this.#committed(tail);
    const seq = version === tail.version ? tail.seq : undefined;
    if (fromVersion > version) return { events: [], version, seq };
    const hinted = options.afterSeq === undefined ? undefined : await this.#read<T>(target, fromVersion, version, tail.seq, { seq: options.afterSeq + 1 });
    const events = hinted ?? (await this.#read<T>(target, fromVersion, version, tail.seq, await this.#startOf(target, fromVersion, tail.seq)));
    if (events === undefined) throw new AggregateHistoryError(target.subject, `its events from version ${fromVersion} on are not all stored (removed by the stream's limits?)`);
    if (seq !== undefined) this.#remember(target.subject, { version, seq });
    return { events, version, seq: seq ?? events.at(-1)?.seq };
  }

  /** The aggregate's current version: that of its last wholly written event, 0 when it has none. */
  async version(ref: AggregateRef): Promise<number> {
    const tail = await this.#tail(this.#subjects.resolve(ref));
    return tail === undefined ? 0 : this.#committed(tail);
  }

  /** Keep the state of an aggregate at a version, unless a snapshot at the same or a later version is kept; true when stored. */
  saveSnapshot<S>(ref: AggregateRef, snapshot: { version: number; state: S; stateVersion?: number; seq?: number }): Promise<boolean> {
    requireNumber("version", snapshot.version, "count");
    return this.#snapshots.save(this.#snapshotKey(ref), {
      version: snapshot.version,
      state: snapshot.state,
      stateVersion: snapshot.stateVersion ?? 1,
      seq: snapshot.seq,
      takenAt: new Date().toISOString(),
    });
  }

  /** The kept snapshot of an aggregate; undefined when there is none, or when its state shape version is not `stateVersion`. */
  async loadSnapshot<S>(ref: AggregateRef, options: { stateVersion?: number } = {}): Promise<Snapshot<S> | undefined> {
    const snapshot = await this.#snapshots.load<S>(this.#snapshotKey(ref));
    return snapshot === undefined || snapshot.stateVersion !== (options.stateVersion ?? 1) ? undefined : snapshot;
  }

  #encode(target: AggregateSubject, events: readonly Publishable[]): Part[] {
    const source = this.bus.settings.source;
    const ids = new Set<string>();
    return events.map((event, index) => {
      const { contract, json } = resolveEvent(this.bus.registry, event);
      if (!target.targets.has(contract.type)) {
        throw new ArgumentError("events", `events of aggregate type "${target.ref.aggregateType}", but event ${index} is "${contract.type}"`);
      }
      const prepared = prepareEvent(contract, json, source);
      if (prepared.subject !== target.subject) {
        throw new ArgumentError("events", `events of "${target.subject}", but event ${index} ("${contract.type}" ${prepared.id}) is on "${prepared.subject}"`);
      }
      if (ids.has(prepared.id)) throw new ArgumentError("events", `events with distinct ids, but ${prepared.id} is there twice`);
      ids.add(prepared.id);
      return { contract, json, prepared };
    });
  }

  /** Publish the parts chained by expected sequence; undefined when the first is refused (the base moved). */
  async #write(target: AggregateSubject, parts: readonly Part[], base: Base): Promise<AppendResult | undefined> {
    const settings: PublishSettings = {
      attemptTimeoutMs: this.bus.settings.publishTimeoutMs,
      retryForMs: Math.min(this.bus.settings.publishRetryMs, this.options.abandonedAppendMs / 2),
      maxInFlight: 1,
      maxPayload: this.bus.maxPayload,
    };
    const acks: PublishAck[] = [];
    let seq = base.seq;
    let duplicates = 0;
    for (const [index, { contract, json, prepared }] of parts.entries()) {
      const storeHeaders = {
        [PubHeaders.ExpectedLastSubjectSequenceHdr]: String(seq),
        [StoreHeader.aggregateVersion]: String(base.version + index + 1),
        [StoreHeader.appendFirst]: String(base.version + 1),
        [StoreHeader.appendLast]: String(base.version + parts.length),
      };
      let ack: PublishAck;
      try {
        ack = await this.bus.telemetry.publish(contract, json, (trace) => sendEvent(this.bus.acks, withHeaders(prepared, trace === undefined ? storeHeaders : { ...trace, ...storeHeaders }), contract, settings));
      } catch (error) {
        if (index === 0 && isWrongLastSequence(error)) return undefined;
        if (index === 0) throw error;
        throw new PartialAppendError(target.subject, acks, parts.length, (error as Error).message, { cause: error });
      }
      if (ack.duplicate) {
        // Stored at its place in this append: by an attempt whose ack was lost (the retry is answered
        // as a duplicate), or by this very append run before; the chain goes on after it.
        if (await this.#storedAsPart(target, ack.seq, base.version + index + 1, prepared.id)) {
          duplicates++;
          acks.push({ ...ack, duplicate: false });
          seq = ack.seq;
          continue;
        }
        if (index === 0) return this.#storedBefore(target);
        throw new PartialAppendError(target.subject, acks, parts.length, `event ${prepared.id} was stored before (a reused event id)`);
      }
      acks.push(ack);
      seq = ack.seq;
    }
    // Every event was in place already: this append had been run through before.
    if (duplicates === parts.length) return this.#storedBefore(target);
    const version = base.version + parts.length;
    this.#remember(target.subject, { version, seq });
    return { version, seq, duplicate: false, acks };
  }

  /** Whether the message at `seq` is event `id` on the aggregate's subject at `version`: a part of an append, stored. */
  async #storedAsPart(target: AggregateSubject, seq: number, version: number, id: string): Promise<boolean> {
    const stored = await this.bus.manager.streams.getMessage(target.stream, { seq });
    if (stored === null || stored.subject !== target.subject) return false;
    const message = fromStoredMsg(target.stream, stored);
    return readHeader(message.headers, Header.msgId) === id && Number(readHeader(message.headers, StoreHeader.aggregateVersion)) === version;
  }

  /** The aggregate's base to append after, read from the server; throws `ConcurrencyError` when it is not at `expected`. */
  async #base(target: AggregateSubject, expected: number): Promise<Base> {
    const tail = await this.#tail(target);
    if (tail === undefined && expected === 0) {
      const snapshot = await this.#snapshots.load(this.#snapshotKey(target.ref));
      if (snapshot !== undefined) throw new ConcurrencyError(target.subject, expected, snapshot.version, false);
      return { version: 0, seq: 0 };
    }
    if (tail !== undefined && tail.version === expected && this.#committed(tail) === expected) return { version: tail.version, seq: tail.seq };
    throw this.#conflictWith(target, expected, tail);
  }

  async #conflict(target: AggregateSubject, expected: number): Promise<ConcurrencyError> {
    return this.#conflictWith(target, expected, await this.#tail(target));
  }

  #conflictWith(target: AggregateSubject, expected: number, tail: Tail | undefined): ConcurrencyError {
    if (tail === undefined) return new ConcurrencyError(target.subject, expected, 0, false);
    const committed = this.#committed(tail);
    return new ConcurrencyError(target.subject, expected, committed, committed !== tail.version);
  }

  /** Throw `AggregateHistoryError` when an aggregate with no events has a snapshot: its events were removed, and it must not start again at version 0. */
  async #requireNoSnapshot(target: AggregateSubject): Promise<void> {
    const snapshot = await this.#snapshots.load(this.#snapshotKey(target.ref));
    if (snapshot !== undefined) throw historyRemoved(target.subject, snapshot.version, 0);
  }

  /** The last event on the aggregate's subject; undefined when it has none. */
  async #tail(target: AggregateSubject): Promise<Tail | undefined> {
    const stored = await this.bus.manager.streams.getMessage(target.stream, { last_by_subj: target.subject });
    if (stored === null) return undefined;
    const message = fromStoredMsg(target.stream, stored);
    const version = this.#versionOf(target, message);
    const first = Number(readHeader(message.headers, StoreHeader.appendFirst) ?? version);
    const last = Number(readHeader(message.headers, StoreHeader.appendLast) ?? version);
    return { version, seq: message.seq, first, last, time: message.time };
  }

  /** The last wholly written version: the tail's, unless the tail's append is still being written. */
  #committed(tail: Tail): number {
    const unfinished = tail.version < tail.last && Date.now() - tail.time.getTime() < this.options.abandonedAppendMs;
    return unfinished ? tail.first - 1 : tail.version;
  }

  #versionOf(target: AggregateSubject, message: RawMessage): number {
    const version = Number(readHeader(message.headers, StoreHeader.aggregateVersion));
    if (!Number.isInteger(version) || version < 1) {
      throw new AggregateHistoryError(target.subject, `#${message.seq} carries no "${StoreHeader.aggregateVersion}" header: only the event store may publish on an aggregate's subject`);
    }
    return version;
  }

  /** Read versions `from` to `to`; undefined when they are not exactly there, from `from` on without a gap. */
  async #read<T>(target: AggregateSubject, from: number, to: number, endSeq: number, start: ReadStart): Promise<RecordedEvent<T>[] | undefined> {
    const events: RecordedEvent<T>[] = [];
    for await (const message of readStream(this.bus.jetstream, { stream: target.stream, filter: target.subject, start, endSeq })) {
      const version = this.#versionOf(target, message);
      if (version < from) continue;
      if (version > to) break;
      if (version !== from + events.length) return undefined;
      const stored = toStoredEvent<T>(this.bus.registry, target.targets, message);
      if (stored === undefined) throw new AggregateHistoryError(target.subject, `#${message.seq} is not an event of aggregate type "${target.ref.aggregateType}"`);
      // `toStoredEvent` read its aggregate version from the header `#versionOf` just checked: it is `version`.
      events.push(stored as RecordedEvent<T>);
    }
    return events.length === to - from + 1 ? events : undefined;
  }

  /** Where version `version` starts: binary search over sequences with "next message on the subject" lookups. */
  async #startOf(target: AggregateSubject, version: number, endSeq: number): Promise<ReadStart> {
    if (version <= 1) return undefined;
    let low = 1;
    let high = endSeq;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const next = await this.#nextOnSubject(target, middle);
      if (next !== null && this.#versionOf(target, fromStoredMsg(target.stream, next)) < version) low = next.seq + 1;
      else high = middle;
    }
    return { seq: low };
  }

  async #nextOnSubject(target: AggregateSubject, seq: number): Promise<StoredMsg | null> {
    // STREAM.MSG.GET takes `next_by_subj` since nats-server 2.9; the client's types list it for direct gets only.
    const query = { seq, next_by_subj: target.subject } as unknown as { seq: number };
    return this.bus.manager.streams.getMessage(target.stream, query);
  }

  #remember(subject: string, base: Base): void {
    this.#tails.delete(subject);
    this.#tails.set(subject, base);
    if (this.#tails.size > this.options.tailCacheSize) this.#tails.delete(this.#tails.keys().next().value as string);
  }

  #snapshotKey(ref: AggregateRef): string {
    const target = this.#subjects.resolve(ref);
    return [target.system, target.ref.aggregateType, target.ref.aggregateId].map((id) => kvKeyToken(id)).join(".");
  }
}

/** The error of an aggregate whose snapshot is ahead of its events in the stream. */
export function historyRemoved(subject: string, snapshotVersion: number, streamVersion: number): AggregateHistoryError {
  return new AggregateHistoryError(
    subject,
    `its snapshot is at version ${snapshotVersion} but the stream holds it at version ${streamVersion}: its events were removed (the stream's max age or limits?); it is not rebuilt from what is left, nor started again`,
  );
}
