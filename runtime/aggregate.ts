/**
 * Event-sourced aggregates on the event store: a definition folds events into state, an
 * `Aggregate` records new events (validated, applied at once, kept until saved), and a
 * `Repository` loads an aggregate from its newest snapshot and the events after it, and saves new
 * events with the version they were decided on as the expected version, snapshotting every N
 * events by the definition's policy.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { EventInstance, JsonObject } from "./contract.js";
import { parseEvent } from "./event-helpers.js";
import type { EventsOf, EventTypeHandle } from "./event-types.js";
import { ArgumentError } from "./errors.js";
import type { AggregateRef } from "./aggregate-subject.js";
import { AggregateHistoryError, ConcurrencyError, historyRemoved, type AppendResult, type EventStore, type LoadedEvents, type LoadOptions } from "./event-store.js";
import { resolveEvent, type Publishable } from "./publish.js";
import type { Registry } from "./registry.js";
import { requireNumber } from "./argument-checks.js";

/** How an aggregate type folds its events (each upcast to its latest version) into state. */
export interface AggregateDefinition<S, E = EventInstance> {
  /** The aggregate type its events pin (`task`, `model_catalog`). */
  readonly aggregateType: string;
  /** The system, when several systems have an aggregate type of this name. */
  readonly system?: string;
  /**
   * The event types the aggregate folds (their handles). With `defineAggregate` they type `apply`
   * and `record`; `record` refuses any other type at run time too.
   */
  readonly events?: readonly EventTypeHandle[];
  /** The state of an aggregate with no events. */
  initialState(aggregateId: string): S;
  /** The state after one more event; must not change `state` in place. */
  apply(state: S, event: E): S;
  /** Save a snapshot each time the version passes a multiple of this; 0 or absent: never. The state must survive `JSON.stringify`. */
  readonly snapshotEvery?: number;
  /** The version of the state's shape; raise it when the shape changes, and older snapshots are ignored. Default 1. */
  readonly stateVersion?: number;
}

/**
 * Define an aggregate from the handles of the events it folds: `apply` receives their union, each at
 * its latest version, so a wrong case or field is a compile error. The state's type is what
 * `initialState` returns.
 */
export function defineAggregate<S, const H extends readonly EventTypeHandle[]>(
  definition: Omit<AggregateDefinition<NoInfer<S>, EventsOf<H>>, "events" | "initialState"> & { readonly events: H; initialState(aggregateId: string): S },
): AggregateDefinition<S, EventsOf<H>> {
  return definition;
}

/**
 * What an aggregate folding events `E` records: an event of one of their types, any version; an
 * untyped event (`EventInstance`, from a type name only known at run time) is checked at run time.
 * An untyped aggregate records any event or event's JSON.
 */
export type RecordableEvent<E> = EventInstance extends E ? Publishable : EventInstance & { readonly type?: TypeNameOf<E> };

/** The type names of events `E`. */
type TypeNameOf<E> = E extends { readonly type: infer T extends string } ? T : never;

/** What `Repository.save` stored. */
export interface SaveResult extends AppendResult {
  /** True when the save also stored a snapshot. */
  readonly snapshotSaved: boolean;
  /** Why the snapshot could not be stored, if it could not; the events are stored regardless. */
  readonly snapshotError: Error | undefined;
}

const settle = Symbol("settle");

/** One aggregate: its state, its stored version, and the events recorded since it was loaded. */
export class Aggregate<S, E = EventInstance> {
  readonly ref: AggregateRef;
  /** The version of the snapshot it was rebuilt from; undefined when rebuilt from its events alone. */
  readonly snapshotVersion: number | undefined;
  readonly #definition: AggregateDefinition<S, E>;
  readonly #registry: Registry;
  #state: S;
  #version: number;
  #pending: RecordableEvent<E>[] = [];

  /** Use `Repository.load`. */
  constructor(definition: AggregateDefinition<S, E>, registry: Registry, ref: AggregateRef, state: S, version: number, snapshotVersion: number | undefined) {
    this.#definition = definition;
    this.#registry = registry;
    this.ref = ref;
    this.#state = state;
    this.#version = version;
    this.snapshotVersion = snapshotVersion;
  }

  get id(): string {
    return this.ref.aggregateId;
  }

  /** The state, recorded events included. */
  get state(): S {
    return this.#state;
  }

  /** The stored version the recorded events were decided on. */
  get version(): number {
    return this.#version;
  }

  /** The events recorded since the last load or save, in order. */
  get pending(): readonly RecordableEvent<E>[] {
    return this.#pending;
  }

  /**
   * Record a new event: validate it, check that it belongs to this aggregate, apply it (upcast to
   * the latest version of its type) and keep it for the next save. Only events of the types the
   * definition folds compile (any version of them). Throws `ValidationError`, `UnknownEventError`
   * or `ArgumentError` (an event of a type the definition's `events` do not declare, or of another
   * aggregate), and changes nothing then.
   */
  record(event: RecordableEvent<E>): void {
    const { contract, json } = resolveEvent(this.#registry, event);
    parseEvent(contract, json);
    const declared = this.#definition.events;
    if (declared !== undefined && !declared.some((handle) => handle.type === contract.type)) {
      throw new ArgumentError("event", `an event of a type the aggregate "${this.ref.aggregateType}" declares (${declared.map((handle) => handle.type).join(", ")}), not "${contract.type}"`);
    }
    if (contract.aggregateType !== this.ref.aggregateType || json["aggregateId"] !== this.ref.aggregateId) {
      throw new ArgumentError("event", `an event of ${this.ref.aggregateType} "${this.ref.aggregateId}", not "${contract.type}" of ${contract.aggregateType ?? "no aggregate type"} "${String(json["aggregateId"])}"`);
    }
    const latest = this.#registry.latest(contract.type) ?? contract;
    const current = latest === contract ? contract.create(json) : latest.create(this.#registry.upcast(structuredClone(json) as JsonObject, contract.type, contract.version));
    this.#state = this.#definition.apply(this.#state, current as E);
    this.#pending.push(event);
  }

  /** Take the stored version (and, after a reload, the state) as the repository found it. */
  [settle](version: number, state: S = this.#state): void {
    this.#version = version;
    this.#state = state;
    this.#pending = [];
  }
}

/** Loads and saves the aggregates of one definition on an event store. */
export class Repository<S, E = EventInstance> {
  readonly store: EventStore;
  readonly definition: AggregateDefinition<S, E>;

  constructor(store: EventStore, definition: AggregateDefinition<S, E>) {
    requireNumber("snapshotEvery", definition.snapshotEvery ?? 0, "count or 0");
    this.store = store;
    this.definition = definition;
  }

  /** The reference of the aggregate with this id. */
  ref(aggregateId: string): AggregateRef {
    const { aggregateType, system } = this.definition;
    return system === undefined ? { aggregateType, aggregateId } : { aggregateType, aggregateId, system };
  }

  /**
   * Rebuild an aggregate from its newest usable snapshot and the events after it (or from all its
   * events, with `useSnapshot: false`). One with no events comes back at version 0, in its initial state.
   */
  async load(aggregateId: string, options: { useSnapshot?: boolean } = {}): Promise<Aggregate<S, E>> {
    const ref = this.ref(aggregateId);
    const snapshot = options.useSnapshot === false ? undefined : await this.store.loadSnapshot<S>(ref, { stateVersion: this.definition.stateVersion ?? 1 });
    if (snapshot !== undefined) {
      const after = await this.events(aggregateId, { fromVersion: snapshot.version + 1, ...(snapshot.seq === undefined ? {} : { afterSeq: snapshot.seq }) });
      if (after.version < snapshot.version) throw historyRemoved(this.store.subjectOf(ref).subject, snapshot.version, after.version);
      return this.#fold(ref, snapshot.state, after.events, after.version, snapshot.version);
    }
    const all = await this.events(aggregateId);
    return this.#fold(ref, this.definition.initialState(aggregateId), all.events, all.version, undefined);
  }

  /**
   * The stored events of an aggregate from `fromVersion` on (`EventStore.load`), typed as the events
   * its definition folds, each at its latest version. Throws `AggregateHistoryError` when the history
   * holds an event of a type the definition's `events` do not declare (another writer's): folding it
   * would hand `apply` an event its type says cannot come, and skipping it would build a wrong state.
   */
  async events(aggregateId: string, options: LoadOptions = {}): Promise<LoadedEvents<E>> {
    const ref = this.ref(aggregateId);
    // The store loads the aggregate type's events at their latest versions: what the definition folds.
    const loaded = await this.store.load(ref, options);
    const declared = this.definition.events;
    const undeclared = declared === undefined ? undefined : loaded.events.find((stored) => !declared.some((handle) => handle.type === stored.type));
    if (declared !== undefined && undeclared !== undefined) {
      throw new AggregateHistoryError(
        this.store.subjectOf(ref).subject,
        `its event at version ${undeclared.aggregateVersion} is "${undeclared.type}", a type the aggregate's definition does not declare (${declared.map((handle) => handle.type).join(", ")}); add its handle to the definition's events to fold it`,
      );
    }
    return loaded as LoadedEvents<unknown> as LoadedEvents<E>;
  }

  /**
   * Append the recorded events with the aggregate's version as the expected version, then snapshot
   * by the definition's policy. Throws `ConcurrencyError` (nothing written) when another writer
   * appended first; undefined when nothing was recorded.
   */
  async save(aggregate: Aggregate<S, E>): Promise<SaveResult | undefined> {
    if (aggregate.pending.length === 0) return undefined;
    const before = aggregate.version;
    const result = await this.store.append(aggregate.ref, aggregate.pending, { expectedVersion: before });
    if (result.duplicate) {
      const stored = await this.load(aggregate.id);
      aggregate[settle](stored.version, stored.state);
      return { ...result, snapshotSaved: false, snapshotError: undefined };
    }
    aggregate[settle](result.version);
    const every = this.definition.snapshotEvery ?? 0;
    if (every === 0 || Math.floor(result.version / every) === Math.floor(before / every)) return { ...result, snapshotSaved: false, snapshotError: undefined };
    try {
      const snapshot = { version: result.version, state: aggregate.state, stateVersion: this.definition.stateVersion ?? 1, seq: result.seq };
      return { ...result, snapshotSaved: await this.store.saveSnapshot(aggregate.ref, snapshot), snapshotError: undefined };
    } catch (error) {
      return { ...result, snapshotSaved: false, snapshotError: error as Error };
    }
  }

  /**
   * Load an aggregate, let `change` record events on it, and save; on `ConcurrencyError` start over
   * from a fresh load, up to `attempts` times in all. Returns the saved aggregate.
   */
  async update(aggregateId: string, change: (aggregate: Aggregate<S, E>) => unknown, options: { attempts?: number } = {}): Promise<Aggregate<S, E>> {
    const attempts = options.attempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      const aggregate = await this.load(aggregateId);
      await change(aggregate);
      try {
        await this.save(aggregate);
        return aggregate;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= attempts) throw error;
        await sleep(Math.random() * 5 * attempt);
      }
    }
  }

  #fold(ref: AggregateRef, state: S, events: readonly { event: E }[], version: number, snapshotVersion: number | undefined): Aggregate<S, E> {
    let folded = state;
    for (const { event } of events) folded = this.definition.apply(folded, event);
    return new Aggregate(this.definition, this.store.bus.registry, ref, folded, version, snapshotVersion);
  }
}
