/**
 * Sagas: an event starts an instance, which runs its steps in order; when a
 * step fails, the compensations of the steps already done run in reverse. Each instance's record
 * (status, steps done and compensated, state) lives in a JetStream key-value bucket and every
 * change to it is revision-checked, so the record is the truth across processes: the runner that
 * holds an instance's lease renews it while it works, and when a runner dies, another one takes
 * the instance over once the lease has run out and resumes at the first step not recorded done.
 * A step that was running when its runner died runs again; events it publishes with ids from
 * `context.eventId` get the same ids again, and JetStream stores them once. A step can wait for an
 * event another service publishes (`awaits`, see `saga-waits.ts`, built on a process manager).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { KV } from "@nats-io/kv";
import type { EventBus } from "./bus.js";
import type { EventInstance, JsonObject } from "./contract.js";
import { parseEvent } from "./event-helpers.js";
import { deterministicId, legacyDeterministicId } from "./deterministic-id.js";
import { ArgumentError, ContractError } from "./errors.js";
import { isWrongLastSequence } from "./jetstream-errors.js";
import { checkId } from "./identifiers.js";
import { kvKeyToken } from "./kv-key.js";
import { ensureBucket } from "./provision.js";
import { bucketKeys } from "./kv-keys.js";
import { readJsonEntry, watchKey } from "./kv-watch.js";
import { Notifier } from "./notifications.js";
import { resolveEvent, type Publishable } from "./publish.js";
import type { Subscription } from "./subscribe.js";
import { SagaWaits, SagaWaitTimeoutError } from "./saga-waits.js";
import type { EventWait, SagaContext, SagaDefinition, SagaFailure, SagaRecord, SagaStatus, SagaStep } from "./saga-definition.js";
import { requireNumberOptions } from "./argument-checks.js";
import type { DeliverPolicy } from "./subscribe-options.js";

/** The name of the event type that starts a saga. */
function startTypeOf(definition: { readonly startOn: string | { readonly type: string } }): string {
  return typeof definition.startOn === "string" ? definition.startOn : definition.startOn.type;
}

/** Options of a saga runner; every field has a default (`defaultSagaOptions`). */
export interface SagaOptions {
  /** The key-value bucket of instance records. */
  readonly bucket: string;
  /** How long an instance stays with its runner without a renewal; a dead runner's instances move on after this. */
  readonly leaseMs: number;
  /** How often the runner looks for instances whose lease ran out. */
  readonly scanIntervalMs: number;
  /** The durable consumer of start events, shared by every runner of the saga. */
  readonly durable: string;
  /** Where that consumer starts when it is first created: every stored start event, or new ones only. */
  readonly deliverPolicy: DeliverPolicy;
  /** Attempts of each compensation before the instance is marked `failed`. */
  readonly compensationAttempts: number;
  /** The pause after the first failed attempt; it doubles each attempt, up to 30 s. */
  readonly retryBackoffMs: number;
}

/** The defaults for a saga: records in `evc-sagas`, 15 s leases, start events from now on. */
export function defaultSagaOptions(name: string): SagaOptions {
  return { bucket: "evc-sagas", leaseMs: 15_000, scanIntervalMs: 15_000, durable: `saga-${name}`, deliverPolicy: "new", compensationAttempts: 5, retryBackoffMs: 200 };
}

/** What a saga runner reports, keyed by a snake_case `type`. */
export type SagaNotification =
  | { readonly type: "started"; readonly instanceId: string }
  | { readonly type: "resumed"; readonly instanceId: string; readonly done: readonly string[] }
  | { readonly type: "step_done"; readonly instanceId: string; readonly step: string }
  | { readonly type: "step_failed"; readonly instanceId: string; readonly step: string; readonly phase: "run" | "compensate"; readonly error: Error; readonly attempt: number }
  | { readonly type: "compensated"; readonly instanceId: string; readonly step: string }
  | { readonly type: "finished"; readonly instanceId: string; readonly status: SagaStatus }
  | { readonly type: "ownership_lost"; readonly instanceId: string }
  | { readonly type: "runner_error"; readonly error: Error };

/** Thrown by `waitForSaga` when the instance did not get where it was awaited in time. */
export class SagaTimeoutError extends ContractError {
  constructor(saga: string, instanceId: string, timeoutMs: number, record: SagaRecord<unknown> | undefined) {
    super(`saga "${saga}" instance "${instanceId}" did not get there within ${timeoutMs} ms: ${record === undefined ? "it has no record" : `it is ${record.status} with ${record.done.length} steps done`}`);
    this.name = "SagaTimeoutError";
  }
}

const finalStatuses: readonly SagaStatus[] = ["completed", "compensated", "failed"];

/** True for `completed`, `compensated` and `failed`. */
export function isFinal(status: SagaStatus): boolean {
  return finalStatuses.includes(status);
}

/** Check a definition, open the bucket, subscribe to the start events, resume instances left by dead runners, and return the running runner. */
export async function startSaga<S extends object, T = EventInstance>(bus: EventBus, definition: SagaDefinition<S, T>, options: Partial<SagaOptions> = {}): Promise<SagaRunner<S, T>> {
  if (!/^[-\w]+$/.test(definition.name)) throw new ArgumentError("name", `letters, digits, "-" and "_", not "${definition.name}"`);
  if (bus.registry.latest(startTypeOf(definition)) === undefined) throw new ArgumentError("startOn", `an event type of the registry, not "${startTypeOf(definition)}"`);
  const ids = definition.steps.map((step) => step.id);
  if (ids.length === 0 || new Set(ids).size !== ids.length) throw new ArgumentError("steps", `at least one step, with distinct ids (${ids.join(", ")})`);
  const settings = { ...defaultSagaOptions(definition.name), ...options };
  requireNumberOptions(settings, { leaseMs: "milliseconds", scanIntervalMs: "milliseconds", compensationAttempts: "count", retryBackoffMs: "milliseconds or 0" }, `for the saga "${definition.name}"`);
  const kv = await ensureBucket(bus.jetstream, bus.manager, bus.registry.topology, settings.bucket);
  const runner = new SagaRunner(bus, definition, settings, kv);
  await runner.start();
  return runner;
}

/**
 * Watch an instance's record until `until` holds (by default: until it is final) and return that
 * record; works from any process. Throws `SagaTimeoutError` after `timeoutMs`.
 */
export async function waitForSaga<S = JsonObject>(
  bus: EventBus,
  saga: string,
  instanceId: string,
  options: { bucket?: string; timeoutMs?: number; until?: (record: SagaRecord<S>) => boolean } = {},
): Promise<SagaRecord<S>> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const until = options.until ?? ((record: SagaRecord<S>) => isFinal(record.status));
  const kv = await ensureBucket(bus.jetstream, bus.manager, bus.registry.topology, options.bucket ?? defaultSagaOptions(saga).bucket);
  return watchKey<SagaRecord<S>>(kv, instanceKey(saga, instanceId), until, timeoutMs, (last) => new SagaTimeoutError(saga, instanceId, timeoutMs, last as SagaRecord<unknown> | undefined));
}

/** Runs the instances of one saga: starts them on their start events, drives them, and takes over those of dead runners. */
export class SagaRunner<S extends object, T = EventInstance> {
  /** This runner's id, as instance records name their owner. */
  readonly id = randomUUID();
  readonly definition: SagaDefinition<S, T>;
  readonly options: SagaOptions;
  readonly bus: EventBus;
  readonly #kv: KV;
  readonly #notifier = new Notifier<SagaNotification>();
  readonly #active = new Map<string, Promise<void>>();
  #subscription: Subscription | undefined;
  #scanTimer: NodeJS.Timeout | undefined;
  #scanning: Promise<void> | undefined;
  #stopping = false;
  #waits: SagaWaits | undefined;
  readonly #stopped = new AbortController();

  /** Use `startSaga`. */
  constructor(bus: EventBus, definition: SagaDefinition<S, T>, options: SagaOptions, kv: KV) {
    this.bus = bus;
    this.definition = definition;
    this.options = options;
    this.#kv = kv;
  }

  /** Iterate what happens from now on: instances started, steps done and failed, compensations, ends. */
  status(): AsyncIterable<SagaNotification> {
    return this.#notifier.listen();
  }

  /** Subscribe to start events, resume instances whose lease ran out, and keep looking for them. */
  async start(): Promise<void> {
    const { durable, deliverPolicy, scanIntervalMs } = this.options;
    this.#waits = await SagaWaits.start(this.bus, this.definition as unknown as SagaDefinition<object, never>, { durable: `${durable}-waits`, deliverPolicy, scanIntervalMs });
    this.#subscription = await this.bus.subscribe(startTypeOf(this.definition), (event) => this.begin(event as Publishable), {
      durable: this.options.durable,
      deliverPolicy: this.options.deliverPolicy,
    });
    await this.#scan();
    this.#scanTimer = setInterval(() => void this.#scan(), this.options.scanIntervalMs);
    this.#scanTimer.unref();
  }

  /**
   * Start the instance a start event names and drive it; returns its id. An instance that exists
   * already (a redelivered or repeated start event) is left as it is.
   */
  async begin(trigger: Publishable): Promise<string> {
    const { contract, json } = resolveEvent(this.bus.registry, trigger);
    parseEvent(contract, json);
    if (contract.type !== startTypeOf(this.definition)) throw new ArgumentError("trigger", `a "${startTypeOf(this.definition)}" event, not "${contract.type}"`);
    const latest = this.bus.registry.upcast(structuredClone(json) as JsonObject, contract.type, contract.version);
    const event = this.#trigger(contract.type, latest);
    const instanceId = checkId("instanceId", this.definition.instanceId?.(event) ?? latest["aggregateId"], "kv-key");
    const now = new Date().toISOString();
    const record: SagaRecord<S> = {
      saga: this.definition.name,
      instanceId,
      status: "running",
      trigger: { type: contract.type, version: this.bus.registry.latest(contract.type)?.version ?? contract.version, json: latest },
      state: this.definition.initialState(event),
      done: [],
      compensated: [],
      failure: null,
      owner: this.id,
      leaseUntil: Date.now() + this.options.leaseMs,
      startedAt: now,
      updatedAt: now,
      eventIds: 8,
    };
    let revision: number;
    try {
      revision = await this.#kv.create(instanceKey(this.definition.name, instanceId), JSON.stringify(record));
    } catch (error) {
      if (isWrongLastSequence(error)) return instanceId;
      throw error;
    }
    this.#notifier.emit({ type: "started", instanceId });
    this.#launch(record, revision);
    return instanceId;
  }

  /** Wait until an instance is final and return its record (see `waitForSaga`). */
  result(instanceId: string, timeoutMs = 60_000): Promise<SagaRecord<S>> {
    return waitForSaga<S>(this.bus, this.definition.name, instanceId, { bucket: this.options.bucket, timeoutMs });
  }

  /**
   * Stop taking instances, let running steps finish, hand the leases of unfinished instances back,
   * end `status()`. The durable consumer of start events stays for the next runner, unless
   * `removeConsumer` is set (a saga retired for good).
   */
  async stop(options: { removeConsumer?: boolean } = {}): Promise<void> {
    this.#stopping = true;
    this.#stopped.abort(new Interrupted("the runner is stopping"));
    clearInterval(this.#scanTimer);
    if (this.#subscription !== undefined) await this.bus.unsubscribe(this.#subscription, { removeConsumers: options.removeConsumer === true });
    await this.#scanning;
    await Promise.all(this.#active.values());
    await this.#waits?.stop(options);
    this.#notifier.close();
  }

  #launch(record: SagaRecord<S>, revision: number): void {
    if (this.#active.has(record.instanceId)) return;
    const host: InstanceHost<S, T> = {
      definition: this.definition,
      options: this.options,
      bus: this.bus,
      stopping: () => this.#stopping,
      notify: (notification) => this.#notifier.emit(notification),
      waitFor: (instanceId, step) => {
        if (this.#waits === undefined) throw new ArgumentError("awaits", `a step of saga "${this.definition.name}" that was declared when its runner started`);
        return this.#waits.wait(instanceId, step as unknown as SagaStep<object, never> & { readonly awaits: EventWait }, this.#stopped.signal);
      },
    };
    const instance = new SagaInstance(host, this.#kv, record, revision, this.#trigger(record.trigger.type, record.trigger.json));
    const drive = instance.drive().finally(() => this.#active.delete(record.instanceId));
    this.#active.set(record.instanceId, drive);
  }

  #trigger(type: string, json: JsonObject): T {
    const contract = this.bus.registry.latest(type);
    if (contract === undefined) throw new ArgumentError("trigger", `an event type of the registry, not "${type}"`);
    return contract.create(parseEvent(contract, json)) as T;
  }

  /** Take over every unfinished instance whose lease ran out; one scan at a time. */
  #scan(): Promise<void> {
    if (this.#scanning === undefined && !this.#stopping) this.#scanning = this.#claimExpired().finally(() => (this.#scanning = undefined));
    return this.#scanning ?? Promise.resolve();
  }

  async #claimExpired(): Promise<void> {
    try {
      for (const key of await bucketKeys(this.bus.manager, this.options.bucket, `${this.definition.name}.>`)) {
        const entry = await this.#kv.get(key);
        const record = entry === null ? undefined : readJsonEntry<SagaRecord<S>>(entry);
        if (entry === null || record === undefined || isFinal(record.status) || this.#active.has(record.instanceId) || record.leaseUntil > Date.now()) continue;
        const claimed = { ...record, owner: this.id, leaseUntil: Date.now() + this.options.leaseMs, updatedAt: new Date().toISOString() };
        let revision: number;
        try {
          revision = await this.#kv.update(key, JSON.stringify(claimed), entry.revision);
        } catch (error) {
          if (isWrongLastSequence(error)) continue;
          throw error;
        }
        this.#notifier.emit({ type: "resumed", instanceId: record.instanceId, done: record.done });
        this.#launch(claimed, revision);
      }
    } catch (error) {
      this.#notifier.emit({ type: "runner_error", error: error as Error });
    }
  }
}

/** Raised inside an instance when its record changed under it: another runner took it over. */
class OwnershipLost extends Error {}

/** Raised inside an instance when its runner stops between two attempts of a step: the step is neither done nor failed. */
class Interrupted extends Error {}

/** What an instance needs of the runner that drives it. */
interface InstanceHost<S extends object, T> {
  readonly definition: SagaDefinition<S, T>;
  readonly options: SagaOptions;
  readonly bus: EventBus;
  /** True once the runner is stopping: the instance stops between steps and hands its lease back. */
  stopping(): boolean;
  notify(notification: SagaNotification): void;
  /** Wait for the event a step `awaits` (see `SagaWaits.wait`); throws `Interrupted` when the runner stops. */
  waitFor(instanceId: string, step: SagaStep<S, T>): Promise<EventInstance>;
}

/** One instance being driven by this runner: its record, kept in step with the bucket by revision. */
class SagaInstance<S extends object, T> {
  readonly #runner: InstanceHost<S, T>;
  readonly #kv: KV;
  readonly #key: string;
  readonly #trigger: T;
  #record: SagaRecord<S>;
  #revision: number;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(runner: InstanceHost<S, T>, kv: KV, record: SagaRecord<S>, revision: number, trigger: T) {
    this.#runner = runner;
    this.#kv = kv;
    this.#key = instanceKey(record.saga, record.instanceId);
    this.#record = record;
    this.#revision = revision;
    this.#trigger = trigger;
  }

  /** Run the remaining steps, or compensations, until the instance is final, the runner stops, or another runner takes over. */
  async drive(): Promise<void> {
    const lease = this.#runner.options.leaseMs;
    const heartbeat = setInterval(() => void this.#write((record) => ({ ...record, leaseUntil: Date.now() + lease })).catch(() => undefined), lease / 3);
    try {
      while (!isFinal(this.#record.status) && !this.#runner.stopping()) {
        if (this.#record.status === "running") await this.#runNext();
        else await this.#compensateNext();
      }
      if (isFinal(this.#record.status)) this.#runner.notify({ type: "finished", instanceId: this.#record.instanceId, status: this.#record.status });
      else await this.#write((record) => ({ ...record, owner: null, leaseUntil: 0 }));
    } catch (error) {
      if (error instanceof OwnershipLost) this.#runner.notify({ type: "ownership_lost", instanceId: this.#record.instanceId });
      else this.#runner.notify({ type: "runner_error", error: error as Error });
    } finally {
      clearInterval(heartbeat);
    }
  }

  async #runNext(): Promise<void> {
    const step = this.#runner.definition.steps.find((candidate) => !this.#record.done.includes(candidate.id));
    if (step === undefined) {
      await this.#write((record) => ({ ...record, status: "completed", owner: null, leaseUntil: 0 }));
      return;
    }
    let patch: Partial<S> | void;
    try {
      const awaited = step.awaits === undefined ? undefined : await this.#runner.waitFor(this.#record.instanceId, step);
      patch = await this.#attempt(step, "run", step.attempts ?? 1, (context) => step.run(context), awaited);
    } catch (error) {
      if (error instanceof Interrupted) return;
      if (error instanceof SagaWaitTimeoutError) this.#runner.notify({ type: "step_failed", instanceId: this.#record.instanceId, step: step.id, phase: "run", error, attempt: 1 });
      const failure = failureOf(step.id, "run", error);
      await this.#write((record) => ({ ...record, status: "compensating", failure }));
      return;
    }
    await this.#write((record) => ({ ...record, state: { ...record.state, ...(patch ?? {}) }, done: [...record.done, step.id] }));
    this.#runner.notify({ type: "step_done", instanceId: this.#record.instanceId, step: step.id });
  }

  async #compensateNext(): Promise<void> {
    const id = [...this.#record.done].reverse().find((done) => !this.#record.compensated.includes(done));
    if (id === undefined) {
      await this.#write((record) => ({ ...record, status: "compensated", owner: null, leaseUntil: 0 }));
      return;
    }
    const step = this.#runner.definition.steps.find((candidate) => candidate.id === id);
    const compensate = step?.compensate;
    if (compensate !== undefined && step !== undefined) {
      try {
        await this.#attempt(step, "compensate", this.#runner.options.compensationAttempts, (context) => compensate(context));
      } catch (error) {
        if (error instanceof Interrupted) return;
        const failure = failureOf(id, "compensate", error, this.#record.failure);
        await this.#write((record) => ({ ...record, status: "failed", failure, owner: null, leaseUntil: 0 }));
        return;
      }
    }
    await this.#write((record) => ({ ...record, compensated: [...record.compensated, id] }));
    this.#runner.notify({ type: "compensated", instanceId: this.#record.instanceId, step: id });
  }

  async #attempt<R>(step: SagaStep<S, T>, phase: "run" | "compensate", attempts: number, action: (context: SagaContext<S, T>) => R | Promise<R>, awaited?: EventInstance): Promise<R> {
    const { definition, options, bus } = this.#runner;
    const { instanceId, state, failure } = this.#record;
    for (let attempt = 1; ; attempt++) {
      const context: SagaContext<S, T> = {
        saga: definition.name,
        instanceId,
        trigger: this.#trigger,
        state,
        attempt,
        failure,
        awaited,
        bus,
        eventId: (label = "event") => (this.#record.eventIds === 8 ? deterministicId : legacyDeterministicId)(definition.name, instanceId, step.id, phase, label),
      };
      try {
        return await action(context);
      } catch (error) {
        this.#runner.notify({ type: "step_failed", instanceId, step: step.id, phase, error: error as Error, attempt });
        if (attempt >= attempts) throw error;
        if (this.#runner.stopping()) throw new Interrupted("the runner is stopping", { cause: error });
        await sleep(Math.min(options.retryBackoffMs * 2 ** (attempt - 1), 30_000));
      }
    }
  }

  /** Change the record, one change at a time, checked against the revision this instance last wrote; throws `OwnershipLost` when it moved. */
  #write(change: (record: SagaRecord<S>) => SagaRecord<S>): Promise<void> {
    const write = this.#writes.then(async () => {
      const next = { ...change(this.#record), updatedAt: new Date().toISOString() };
      try {
        this.#revision = await this.#kv.update(this.#key, JSON.stringify(next), this.#revision);
      } catch (error) {
        if (isWrongLastSequence(error)) throw new OwnershipLost(`saga instance "${this.#record.instanceId}" was taken over`);
        throw error;
      }
      this.#record = next;
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }
}

function instanceKey(saga: string, instanceId: string): string {
  return `${saga}.${kvKeyToken(instanceId, "instanceId")}`;
}

/** What the record keeps of a step's failure: the step, the phase, the error's class name and message, and what it followed (a compensation's cause). */
function failureOf(step: string, phase: SagaFailure["phase"], error: unknown, cause: SagaFailure | null = null): SagaFailure {
  return { step, phase, error: (error as Error).name, message: (error as Error).message, ...(cause === null ? {} : { cause }) };
}
