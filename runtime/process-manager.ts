/**
 * Process managers: durable state machines, one instance per correlation key, driven by events
 * that other services publish. A definition names the event types it reacts to, how each event
 * finds its instance (its correlation key), the state a new instance starts with, a transition per
 * event type that returns the next state and the events to emit, and a deadline per state whose
 * expiry fires a transition of its own.
 *
 * Each instance's record (state, the ids of the events already applied, events emitted but not
 * yet known to be published, the deadline) lives in a JetStream key-value bucket, and every write
 * is revision-checked: two processes applying events to one instance at once both re-read and
 * retry, so no transition is lost. An event whose id the record lists is not applied again. The
 * events a transition emits are written into the record with the new state, in the same write,
 * with ids derived from the manager, the key, the cause and their place (`deterministicId`); they
 * are published after the write and removed from the record once JetStream has them. A process
 * that dies between the two leaves them in the record: the redelivered event, or the deadline
 * scan, publishes them again under the same ids, which JetStream's duplicate window stores once.
 *
 * Deadlines survive restarts without server-side scheduling (nats-server 2.9 has none): the
 * deadline is part of the record, and a small index key per instance that has one (`<name>.due.*`)
 * lets every runner find due instances with a scan at start and every `scanIntervalMs`, besides a
 * local timer for deadlines it set itself.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { KV } from "@nats-io/kv";
import type { EventBus } from "./bus.js";
import type { EventInstance, JsonObject } from "./contract.js";
import { deterministicId } from "./deterministic-id.js";
import { ArgumentError, ContractError } from "./errors.js";
import type { CreateInit, EventOf, EventTypeHandle } from "./event-types.js";
import { isWrongLastSequence } from "./jetstream-errors.js";
import { kvKeyToken } from "./kv-key.js";
import { bucketKeys } from "./kv-keys.js";
import { readJsonEntry, watchKey } from "./kv-watch.js";
import { Notifier } from "./notifications.js";
import { resolveEvent, resolvePlainEvent } from "./publish.js";
import type { Subscription } from "./subscribe.js";
import { ensureBucket } from "./provision.js";
import { requireNumberOptions } from "./argument-checks.js";
import type { DeliverPolicy } from "./subscribe-options.js";

/** What a transition can use besides the state and the event: the time, and a way to build the events it emits. */
export interface TransitionContext {
  readonly manager: string;
  /** The instance's correlation key. */
  readonly key: string;
  /** When the transition runs, in ms since the epoch: compute deadlines from it. */
  readonly now: number;
  /**
   * Build an event to emit (as `bus.create` does), caused by the event being applied. Its id is
   * derived from the manager, the key, the cause and how many events the transition built before
   * it, so that emitting it again after a crash stores it once.
   */
  create<S extends AnyHandle>(source: S, init: CreateInit<EventOf<S>>): EventOf<S>;
}

/** What a transition returns: the next state (it must survive `JSON.stringify`) and the events to publish. */
export interface Transition<S> {
  readonly state: S;
  readonly emit?: readonly EventInstance[];
}

// `any`: a handle's union of all versions varies by type; only its latest version matters here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandle = EventTypeHandle<string, any, any>;

/** How one event type drives a process manager. */
export interface Reaction<S, E extends EventInstance = EventInstance> {
  /** The event type; subscribers receive its latest version. */
  readonly source: EventTypeHandle<string, E>;
  /** The instance an event belongs to: its correlation key (a session id, an aggregate id, a correlation id). */
  correlate(event: E): string;
  /** The next state and the events to emit; `undefined` leaves the instance as it is (the event is not recorded as applied). */
  apply(state: S, event: E, context: TransitionContext): Transition<S> | undefined;
}

/**
 * A process manager's definition; build it with `defineProcessManager(name, { initialState })`
 * and `.on(Handle, { correlate, apply })` per event type, `.onDeadline(...)` for timeouts.
 */
export class ProcessManagerDefinition<S> {
  /** Letters, digits, `-` and `_`: it names the records' keys and the durable consumer. */
  readonly name: string;
  /** The state of an instance before its first event. */
  readonly initialState: (key: string) => S;
  /** When the instance in this state times out (ms since the epoch), or null when it waits for nothing. */
  readonly deadline: (state: S) => number | null;
  /** The event types it reacts to, in the order `.on` added them; several reactions to one type apply in that order, in one transition per instance. */
  readonly reactions: readonly Reaction<S>[];
  /** The transition a deadline fires; required with `deadline`. */
  readonly timeout: ((state: S, context: TransitionContext) => Transition<S>) | undefined;
  readonly #shape: ProcessShape<S>;

  /** Use `defineProcessManager`. */
  constructor(name: string, shape: ProcessShape<S>, reactions: readonly Reaction<S>[], timeout: ((state: S, context: TransitionContext) => Transition<S>) | undefined) {
    if (!/^[-\w]+$/.test(name)) throw new ArgumentError("name", `letters, digits, "-" and "_", not "${name}"`);
    this.name = name;
    this.#shape = shape;
    this.initialState = shape.initialState;
    this.deadline = shape.deadline ?? (() => null);
    this.reactions = reactions;
    this.timeout = timeout;
  }

  /** A definition that also reacts to `source`: `correlate` finds the instance, `apply` makes the transition. */
  on<H extends AnyHandle>(source: H, reaction: Omit<Reaction<S, EventOf<H>>, "source">): ProcessManagerDefinition<S> {
    const added = { source, correlate: reaction.correlate, apply: reaction.apply } as unknown as Reaction<S>;
    return new ProcessManagerDefinition(this.name, this.#shape, [...this.reactions, added], this.timeout);
  }

  /** A definition whose deadlines fire `timeout`: the transition of an instance whose `deadline(state)` has passed. */
  onDeadline(timeout: (state: S, context: TransitionContext) => Transition<S>): ProcessManagerDefinition<S> {
    return new ProcessManagerDefinition(this.name, this.#shape, this.reactions, timeout);
  }

  /** Whether the definition can run: it reacts to something, and a deadline has a transition to fire; a sentence saying what is missing otherwise. */
  problem(): string | undefined {
    if (this.reactions.length === 0) return `at least one reaction (.on(Handle, ...)) in process manager "${this.name}"`;
    if (this.#shape.deadline !== undefined && this.timeout === undefined) return `a transition for the deadlines of process manager "${this.name}" (.onDeadline(...)), since it declares deadline(state)`;
    return undefined;
  }
}

/** A process manager's state: how an instance starts and when it times out. */
export interface ProcessShape<S> {
  initialState(key: string): S;
  /** When an instance in this state times out (ms since the epoch; keep it in the state), or null. Default: never. */
  deadline?(state: S): number | null;
}

/** Start the definition of a process manager; add reactions with `.on(...)`. */
export function defineProcessManager<S>(name: string, shape: ProcessShape<S>): ProcessManagerDefinition<S> {
  return new ProcessManagerDefinition(name, shape, [], undefined);
}

/** The stored record of one process manager instance. */
export interface ProcessRecord<S = JsonObject> {
  readonly manager: string;
  readonly key: string;
  readonly state: S;
  /** Ids of the events (and `deadline:<ms>` for deadlines, ids given to `dispatch`) applied, oldest first, the last `appliedLimit`. */
  readonly applied: readonly string[];
  /** Events emitted by transitions and not yet known to be published, as JSON with their deterministic ids. */
  readonly pending: readonly JsonObject[];
  /** When the instance times out (ms since the epoch), or null. */
  readonly deadline: number | null;
  /** Transitions applied so far. */
  readonly transitions: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Options of a process manager runner; every field has a default (`defaultProcessManagerOptions`). */
export interface ProcessManagerOptions {
  /** The key-value bucket of instance records and deadline index keys. */
  readonly bucket: string;
  /** The durable consumer of the events it reacts to, shared by every runner of the manager. */
  readonly durable: string;
  /** Where that consumer starts when it is first created: every stored event, or new ones only. */
  readonly deliverPolicy: DeliverPolicy;
  /** Events handled at once by this runner. */
  readonly concurrency: number;
  /** How long the server keeps the events a runner holds before it delivers them to another, after the runner died; default: the stream's consumer defaults. */
  readonly ackWaitMs: number | undefined;
  /** How long one event's transitions may take before the delivery fails with `HandlerTimeoutError` and is retried; default: `ackWaitMs`. */
  readonly handlerTimeoutMs: number | undefined;
  /** How often the runner looks for due deadlines set by any runner. */
  readonly scanIntervalMs: number;
  /** How many applied event ids a record keeps to refuse duplicates. */
  readonly appliedLimit: number;
  /** Attempts of one transition against concurrent writers before `ProcessConflictError`. */
  readonly conflictAttempts: number;
}

/** The defaults: records in `evc-process-managers`, consumer `pm-<name>` from new events on, a scan every 5 s. */
export function defaultProcessManagerOptions(name: string): ProcessManagerOptions {
  return { bucket: "evc-process-managers", durable: `pm-${name}`, deliverPolicy: "new", concurrency: 1, ackWaitMs: undefined, handlerTimeoutMs: undefined, scanIntervalMs: 5_000, appliedLimit: 1_000, conflictAttempts: 50 };
}

/** What a process manager runner reports, keyed by a snake_case `type`. */
export type ProcessNotification =
  | { readonly type: "applied"; readonly key: string; readonly cause: string; readonly causeType: string; readonly emitted: readonly string[] }
  | { readonly type: "ignored"; readonly key: string; readonly cause: string; readonly causeType: string }
  | { readonly type: "duplicate"; readonly key: string; readonly cause: string }
  | { readonly type: "conflict"; readonly key: string; readonly attempt: number }
  | { readonly type: "published"; readonly key: string; readonly eventType: string; readonly eventId: string }
  | { readonly type: "runner_error"; readonly error: Error };

/** Thrown when a transition kept meeting concurrent writes to its instance for `conflictAttempts` attempts. */
export class ProcessConflictError extends ContractError {
  constructor(manager: string, key: string, attempts: number) {
    super(`process manager "${manager}" instance "${key}" was changed by another writer ${attempts} times in a row; raise conflictAttempts or lower the concurrency on one instance`);
    this.name = "ProcessConflictError";
  }
}

/** Thrown by `waitForProcess` when the instance did not get where it was awaited in time. */
export class ProcessTimeoutError extends ContractError {
  constructor(manager: string, key: string, timeoutMs: number, record: ProcessRecord<unknown> | undefined) {
    super(`process manager "${manager}" instance "${key}" did not get there within ${timeoutMs} ms: ${record === undefined ? "it has no record" : `its state is ${JSON.stringify(record.state)}`}`);
    this.name = "ProcessTimeoutError";
  }
}

/** Check a definition, open its bucket, subscribe to its event types, fire the deadlines that passed, and return the running runner. */
export async function startProcessManager<S>(bus: EventBus, definition: ProcessManagerDefinition<S>, options: Partial<ProcessManagerOptions> = {}): Promise<ProcessManagerRunner<S>> {
  const problem = definition.problem();
  if (problem !== undefined) throw new ArgumentError("definition", problem);
  for (const { source } of definition.reactions) {
    if (bus.registry.latest(source.type) === undefined) throw new ArgumentError("on", `an event type of the registry, not "${source.type}"`);
  }
  const settings = { ...defaultProcessManagerOptions(definition.name), ...options };
  requireNumberOptions(
    settings,
    { concurrency: "count", ackWaitMs: "milliseconds", handlerTimeoutMs: "milliseconds", scanIntervalMs: "milliseconds", appliedLimit: "count", conflictAttempts: "count" },
    `for the process manager "${definition.name}"`,
  );
  const runner = new ProcessManagerRunner(bus, definition, settings, await openBucket(bus, options.bucket));
  await runner.start();
  return runner;
}

/**
 * Watch an instance's record until `until` holds for it and return that record; works from any
 * process. Throws `ProcessTimeoutError` after `timeoutMs` (default 60 s), and the signal's reason when `signal` aborts.
 */
export async function waitForProcess<S = JsonObject>(
  bus: EventBus,
  manager: string,
  key: string,
  until: (record: ProcessRecord<S>) => boolean,
  options: { bucket?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ProcessRecord<S>> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const kv = await openBucket(bus, options.bucket);
  return watchKey(kv, stateKey(manager, key), until, timeoutMs, (last) => new ProcessTimeoutError(manager, key, timeoutMs, last as ProcessRecord<unknown> | undefined), options.signal);
}

/** Runs one process manager: applies the events it reacts to, fires its deadlines, publishes what transitions emit. */
export class ProcessManagerRunner<S> {
  /** This runner's id. */
  readonly id = randomUUID();
  readonly definition: ProcessManagerDefinition<S>;
  readonly options: ProcessManagerOptions;
  readonly bus: EventBus;
  readonly #kv: KV;
  readonly #notifier = new Notifier<ProcessNotification>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #work = new Set<Promise<unknown>>();
  #subscription: Subscription | undefined;
  #scanTimer: NodeJS.Timeout | undefined;
  #scanning: Promise<void> | undefined;
  #stopping = false;
  /** Whether the events that came while no runner ran are applied: deadlines fire from then on. */
  #caughtUp = false;

  /** Use `startProcessManager`. */
  constructor(bus: EventBus, definition: ProcessManagerDefinition<S>, options: ProcessManagerOptions, kv: KV) {
    this.bus = bus;
    this.definition = definition;
    this.options = options;
    this.#kv = kv;
  }

  /** Iterate what happens from now on: transitions applied, events ignored or refused as duplicates, conflicts retried, events published. */
  status(): AsyncIterable<ProcessNotification> {
    return this.#notifier.listen();
  }

  /** Subscribe to the event types, fire deadlines that passed (a runner that died left them) once the events that came meanwhile are applied, and keep scanning. */
  async start(): Promise<void> {
    const sources = [...new Map(this.definition.reactions.map((reaction) => [reaction.source.type, reaction.source])).values()];
    this.#subscription = await this.bus.subscribe(sources, (event) => this.handle(event), {
      durable: this.options.durable,
      deliverPolicy: this.options.deliverPolicy,
      concurrency: this.options.concurrency,
      ackWaitMs: this.options.ackWaitMs,
      handlerTimeoutMs: this.options.handlerTimeoutMs,
    });
    // Deadlines that passed while no runner ran fire once the events that came meanwhile are applied (or the
    // subscription's ack wait has passed): an event stored in time counts.
    void this.#track(this.#subscription.caughtUp().then(() => {
      this.#caughtUp = true;
      return this.#scan();
    }));
    this.#scanTimer = setInterval(() => void this.#scan(), this.options.scanIntervalMs);
    this.#scanTimer.unref();
  }

  /**
   * Apply an event to the instances its reactions correlate it with, publish what they emit, and
   * resolve once all of it is stored; a redelivered event is applied once. The subscription calls
   * this; call it yourself to feed an event by hand.
   */
  async handle(event: EventInstance): Promise<void> {
    const { contract, json } = resolveEvent(this.bus.registry, event);
    const byKey = new Map<string, Reaction<S>[]>();
    for (const reaction of this.definition.reactions) {
      if (reaction.source.type !== contract.type) continue;
      const key = reaction.correlate(event);
      byKey.set(key, [...(byKey.get(key) ?? []), reaction]);
    }
    if (byKey.size === 0) throw new ArgumentError("event", `an event process manager "${this.definition.name}" reacts to, not "${contract.type}"`);
    for (const [key, reactions] of byKey) {
      await this.#transact(key, String(json["id"]), contract.type, event, (state, context) => applyAll(reactions, state, event, context));
    }
  }

  /**
   * Apply a transition no delivered event causes (a command of this process, such as a saga step
   * starting to wait), once per `id`: a second dispatch with the same id changes nothing. Resolves
   * with the record after it.
   */
  dispatch(key: string, id: string, apply: (state: S, context: TransitionContext) => Transition<S> | undefined): Promise<ProcessRecord<S> | undefined> {
    return this.#transact(key, id, "dispatch", undefined, apply);
  }

  /** The record of an instance, or undefined when none has been written. */
  async read(key: string): Promise<ProcessRecord<S> | undefined> {
    const entry = await this.#kv.get(stateKey(this.definition.name, key));
    return entry === null ? undefined : readJsonEntry<ProcessRecord<S>>(entry);
  }

  /** Watch an instance until `until` holds (see `waitForProcess`). */
  wait(key: string, until: (record: ProcessRecord<S>) => boolean, timeoutMs = 60_000, signal?: AbortSignal): Promise<ProcessRecord<S>> {
    return waitForProcess<S>(this.bus, this.definition.name, key, until, { bucket: this.options.bucket, timeoutMs, ...(signal === undefined ? {} : { signal }) });
  }

  /**
   * Stop taking events, let the transitions under way finish, end `status()`. Records, deadlines
   * and the durable consumer stay for the next runner, unless `removeConsumer` is set.
   */
  async stop(options: { removeConsumer?: boolean } = {}): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#scanTimer);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    if (this.#subscription !== undefined) await this.bus.unsubscribe(this.#subscription, { removeConsumers: options.removeConsumer === true });
    await Promise.allSettled([...this.#work]);
    this.#notifier.close();
  }

  /** Apply one transition to one instance, retrying on concurrent writes, then publish and index what it left. */
  async #transact(
    key: string,
    cause: string,
    causeType: string,
    causedBy: EventInstance | undefined,
    compute: (state: S, context: TransitionContext) => Transition<S> | undefined,
  ): Promise<ProcessRecord<S> | undefined> {
    const { name } = this.definition;
    const storeKey = stateKey(name, key);
    for (let attempt = 1; ; attempt++) {
      const entry = await this.#kv.get(storeKey);
      const record = entry === null ? undefined : readJsonEntry<ProcessRecord<S>>(entry);
      if (record !== undefined && entry !== null && record.applied.includes(cause)) {
        this.#notifier.emit({ type: "duplicate", key, cause });
        return this.#settle(key, record, entry.revision);
      }
      const now = Date.now();
      const emitted: JsonObject[] = [];
      const context: TransitionContext = {
        manager: name,
        key,
        now,
        create: (source, init) => {
          const id = deterministicId(name, key, cause, String(emitted.length));
          const event = this.bus.create(source, { ...init, id } as CreateInit<EventOf<typeof source>>, causedBy === undefined ? {} : { causedBy });
          // A plain publish, later: an event only the event store may write is refused now, before the record holds it.
          emitted.push(resolvePlainEvent(this.bus.registry, event as EventInstance).json);
          return event;
        },
      };
      const transition = compute(structuredClone(record?.state ?? this.definition.initialState(key)), context);
      if (transition === undefined) {
        this.#notifier.emit({ type: "ignored", key, cause, causeType });
        return record === undefined || entry === null ? undefined : this.#settle(key, record, entry.revision);
      }
      const emit = (transition.emit ?? []).map((event) => resolvePlainEvent(this.bus.registry, event).json);
      const unbuilt = emit.find((json) => !emitted.some((built) => built["id"] === json["id"]));
      if (unbuilt !== undefined) throw new ArgumentError("emit", `events built with the transition context's create (their ids make a second publish a no-op), not a "${String(unbuilt["type"])}" built elsewhere`);
      const next: ProcessRecord<S> = {
        manager: name,
        key,
        state: transition.state,
        applied: [...(record?.applied ?? []), cause].slice(-this.options.appliedLimit),
        pending: [...(record?.pending ?? []), ...emit],
        deadline: this.definition.deadline(transition.state),
        transitions: (record?.transitions ?? 0) + 1,
        createdAt: record?.createdAt ?? new Date(now).toISOString(),
        updatedAt: new Date(now).toISOString(),
      };
      let revision: number;
      try {
        revision = entry === null ? await this.#kv.create(storeKey, JSON.stringify(next)) : await this.#kv.update(storeKey, JSON.stringify(next), entry.revision);
      } catch (error) {
        if (!isWrongLastSequence(error)) throw error;
        this.#notifier.emit({ type: "conflict", key, attempt });
        if (attempt >= this.options.conflictAttempts) throw new ProcessConflictError(name, key, attempt);
        await sleep(Math.random() * 10 * Math.min(attempt, 10));
        continue;
      }
      this.#notifier.emit({ type: "applied", key, cause, causeType, emitted: emit.map((json) => String(json["type"])) });
      return this.#settle(key, next, revision, (record?.deadline ?? null) === next.deadline);
    }
  }

  /**
   * Publish a record's pending events, drop them from it, and make the deadline index agree with
   * it, unless `indexed`: the deadline did not change in a transition of this runner (a writer that
   * died before indexing left its event unacknowledged, and its redelivery indexes it).
   */
  async #settle(key: string, record: ProcessRecord<S>, revision: number, indexed = false): Promise<ProcessRecord<S>> {
    let current = record;
    let currentRevision = revision;
    if (current.pending.length > 0) {
      for (const json of current.pending) {
        await this.bus.publishJson(json);
        this.#notifier.emit({ type: "published", key, eventType: String(json["type"]), eventId: String(json["id"]) });
      }
      const published = new Set(current.pending.map((json) => json["id"]));
      for (;;) {
        const next = { ...current, pending: current.pending.filter((json) => !published.has(json["id"])), updatedAt: new Date().toISOString() };
        try {
          currentRevision = await this.#kv.update(stateKey(this.definition.name, key), JSON.stringify(next), currentRevision);
          current = next;
          break;
        } catch (error) {
          if (!isWrongLastSequence(error)) throw error;
          const reread = await this.#reread(key);
          if (reread === undefined) break;
          [current, currentRevision] = reread;
          indexed = false;
        }
      }
    }
    if (!indexed) return this.#index(key, current, currentRevision);
    this.#schedule(key, current.deadline);
    return current;
  }

  /**
   * Write the deadline index key to match the record (set or removed), then check that the record
   * did not move meanwhile; if it did, match the newer one, so the last writer leaves the index right.
   */
  async #index(key: string, record: ProcessRecord<S>, revision: number): Promise<ProcessRecord<S>> {
    let current = record;
    let currentRevision = revision;
    for (;;) {
      const index = dueKey(this.definition.name, key);
      if (current.deadline === null) await this.#kv.delete(index);
      else await this.#kv.put(index, JSON.stringify({ key, deadline: current.deadline }));
      const reread = await this.#reread(key);
      if (reread === undefined || reread[1] === currentRevision) break;
      [current, currentRevision] = reread;
    }
    this.#schedule(key, current.deadline);
    return current;
  }

  async #reread(key: string): Promise<[ProcessRecord<S>, number] | undefined> {
    const entry = await this.#kv.get(stateKey(this.definition.name, key));
    const record = entry === null ? undefined : readJsonEntry<ProcessRecord<S>>(entry);
    return record === undefined || entry === null ? undefined : [record, entry.revision];
  }

  /**
   * Keep a local timer for an instance's deadline (the scan covers what this runner did not set). Until
   * the subscription has caught up, a timer that runs out fires nothing: a deadline that passed while no
   * runner ran is left to the first scan, once the events stored in time are applied.
   */
  #schedule(key: string, deadline: number | null): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    if (deadline === null || this.#stopping) return;
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      if (this.#caughtUp) this.#track(this.#fire(key));
    }, Math.min(Math.max(deadline - Date.now(), 0), 2 ** 31 - 1));
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** Fire an instance's deadline if it has passed and is still the one the state names; otherwise settle the record. */
  async #fire(key: string): Promise<void> {
    const reread = await this.#reread(key);
    if (reread === undefined) {
      await this.#kv.delete(dueKey(this.definition.name, key));
      return;
    }
    const [record, revision] = reread;
    const due = record.deadline;
    const timeout = this.definition.timeout;
    if (due === null || due > Date.now() || timeout === undefined) {
      await this.#settle(key, record, revision);
      return;
    }
    await this.#transact(key, `deadline:${due}`, "deadline", undefined, (state, context) => (this.definition.deadline(state) === due ? timeout(state, context) : undefined));
  }

  /** Fire every indexed deadline that has passed and time the others; one scan at a time. */
  #scan(): Promise<void> {
    if (this.#scanning === undefined && !this.#stopping && this.#caughtUp) this.#scanning = this.#track(this.#scanOnce()).finally(() => (this.#scanning = undefined));
    return this.#scanning ?? Promise.resolve();
  }

  async #scanOnce(): Promise<void> {
    for (const indexKey of await bucketKeys(this.bus.manager, this.options.bucket, `${this.definition.name}.due.>`)) {
      const entry = await this.#kv.get(indexKey);
      const due = entry === null ? undefined : readJsonEntry<{ key: string; deadline: number }>(entry);
      if (due === undefined || this.#stopping) continue;
      if (due.deadline <= Date.now()) await this.#fire(due.key);
      else if (!this.#timers.has(due.key)) this.#schedule(due.key, due.deadline);
    }
  }

  /** Run background work so that `stop` waits for it and its failures are reported, not thrown. */
  #track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((error: unknown) => this.#notifier.emit({ type: "runner_error", error: error as Error }));
    this.#work.add(tracked);
    void tracked.finally(() => this.#work.delete(tracked));
    return tracked;
  }
}

/** Fold several reactions to one event into one transition; undefined when none of them changes anything. */
function applyAll<S>(reactions: readonly Reaction<S>[], state: S, event: EventInstance, context: TransitionContext): Transition<S> | undefined {
  let current: Transition<S> | undefined;
  for (const reaction of reactions) {
    const next = reaction.apply(current?.state ?? state, event, context);
    if (next !== undefined) current = { state: next.state, emit: [...(current?.emit ?? []), ...(next.emit ?? [])] };
  }
  return current;
}

/** Open the bucket as the topology declares it (`ensureBucket`). */
function openBucket(bus: EventBus, bucket: string | undefined): Promise<KV> {
  return ensureBucket(bus.jetstream, bus.manager, bus.registry.topology, bucket ?? defaultProcessManagerOptions("").bucket);
}

function stateKey(manager: string, key: string): string {
  return `${manager}.state.${kvKeyToken(key, "key")}`;
}

function dueKey(manager: string, key: string): string {
  return `${manager}.due.${kvKeyToken(key, "key")}`;
}
