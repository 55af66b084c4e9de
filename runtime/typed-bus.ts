/**
 * The API every bus offers, whatever carries its events: `publish`, `create` from the registry's
 * contracts, and `subscribe` to handles, lists of them or wildcard patterns, typed from the
 * registry. `EventBus` (JetStream) and `MemoryBus` (in memory, for unit tests of handlers) extend
 * `TypedBus`, so handlers and services written against `EventBusApi` run on either.
 */
import { randomUUID } from "node:crypto";
import type { EventContract, EventInstance } from "./contract.js";
import { parseEvent } from "./event-helpers.js";
import { ArgumentError } from "./errors.js";
import { isNumberOf, requireChoice, requireNumber, requireNumberOptions, shown, withDefaults } from "./argument-checks.js";
import type { PublishAck, Publishable, PublishResult } from "./publish.js";
import type { DeadLetter, Replayed } from "./dead-letter.js";
import type { Registry } from "./registry.js";
import type { SubscriptionNotification } from "./notifications.js";
import {
  contractOf,
  versionOf,
  type CreateInit,
  type CreateInitOf,
  type DynamicInit,
  type DynamicString,
  type EventOf,
  type EventsOf,
  type EventSource,
  type KnownPattern,
  type MatchingEvents,
} from "./event-types.js";
import { defaultSubscribeOptions, deliverPolicies, subscriptionOrderings, type EventHandler, type SubscribeOptions } from "./subscribe-options.js";
import { batchingHandler, defaultBatchOptions, type BatchHandler, type BatchOptions } from "./batch-handler.js";

/** The options of `subscribeBatch`: a subscription's, and how its events are gathered into batches. */
export type SubscribeBatchOptions<T = unknown> = SubscribeOptions<T> & BatchOptions;

/** Options of `create`. */
export interface CreateOptions {
  /** The event this one is caused by: its correlation id is carried over and its id becomes the causation id. */
  readonly causedBy?: EventInstance;
}

/** A running subscription of either bus. */
export interface EventSubscription {
  /** The event types or patterns subscribed to, joined by ", ". */
  readonly pattern: string;
  readonly options: SubscribeOptions;
  /** Resolves when the subscription has stopped and every handler has finished. */
  readonly closed: Promise<void>;
  /** Iterate what happens to messages from now on: failures, retries, dead letters. */
  status(): AsyncIterable<SubscriptionNotification>;
  /** Start consuming (again, after `drain`). */
  start(): Promise<void>;
  /** Stop consuming and let in-flight handlers finish; `start` resumes. */
  drain(): Promise<void>;
  /** Drain and end the subscription for good. */
  stop(): Promise<void>;
  /** Stop and forget the durable's position. */
  remove(): Promise<void>;
}

/** Who a bus speaks for: the service its durable names default to, and the CloudEvents `source` of its events. */
export interface BusIdentity {
  readonly service: string | undefined;
  readonly source: string;
}

/**
 * The typed API shared by `EventBus` and `MemoryBus`: `create` and `subscribe` are written once,
 * here; each bus says how it publishes and how it runs a subscription. `Events` (the generated
 * `LatestEvents`, from the registry) types `create` and `subscribe`.
 */
export abstract class TypedBus<Events, Sub extends EventSubscription> {
  readonly registry: Registry<Events>;
  readonly #identity: BusIdentity;
  readonly #subscriptions = new Set<Sub>();
  #stopped = false;

  constructor(registry: Registry<Events>, identity: BusIdentity) {
    this.registry = registry;
    this.#identity = identity;
  }

  /**
   * Publish one event (made by `create` or a generated class) and return the stream's ack. An
   * invalid event throws `ValidationError` and nothing is sent; anything but an instance of a
   * generated event class (an event's JSON, which `publishJson` takes, or another object with a
   * `toJSON` method) does not compile, and throws `ArgumentError` saying what it is.
   */
  abstract publish(event: EventInstance): Promise<PublishAck>;

  /**
   * Publish an event's JSON, whose `type` and `version` name its contract (or an event object):
   * for events only known at run time (a command line, a relay). Validated like any other; throws
   * `UnknownEventError` for a type the registry does not have.
   */
  abstract publishJson(json: object): Promise<PublishAck>;

  /** Publish many events with a bounded number in flight; one result per event, in order, failures included. */
  abstract publishBatch(events: readonly Publishable[], options?: { maxInFlight?: number }): Promise<PublishResult[]>;

  /** The dead letters of a dead-letter stream (`LATECHFORCE_DLQ`), oldest first, at most `limit` (1,000 by default). */
  abstract listDeadLetters(deadLetterStream: string, limit?: number): Promise<DeadLetter[]>;

  /** Deliver a dead letter again to the durable consumer that dead-lettered it, and only to it, under a fresh message id, and remove it. */
  abstract replayDeadLetter(deadLetterStream: string, seq: number): Promise<Replayed>;

  /** End every subscription and release what the bus holds. */
  abstract close(): Promise<void>;

  /** Make a subscription with its settled options (`durable` filled in), not started yet. */
  protected abstract open(patterns: readonly string[], handler: EventHandler, options: SubscribeOptions): Sub;

  /**
   * Stop a subscription (draining it) and forget it. Its durable consumers keep their place, so a
   * later subscription of the same name resumes where it stopped, unless `removeConsumers` is set.
   */
  async unsubscribe(subscription: Sub, options: { removeConsumers?: boolean } = {}): Promise<void> {
    this.#subscriptions.delete(subscription);
    await (options.removeConsumers === true ? subscription.remove() : subscription.stop());
  }

  /** Resume every subscription that `stop` drained. */
  async start(): Promise<void> {
    this.#stopped = false;
    for (const subscription of this.#subscriptions) await subscription.start();
  }

  /** Drain every subscription: no new deliveries, in-flight handlers finish, buffered ones go back. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.drain()));
  }

  /** End every subscription for good: the first half of `close`. */
  protected async endSubscriptions(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
    this.#subscriptions.clear();
  }

  /**
   * Build an event from its own fields: `create(RecordCreated, { aggregateId, data })` builds the
   * latest version, `create(RecordCreatedV1Contract, ...)` that version. A fresh id, the time, the
   * pinned type, version and aggregate type, and metadata (correlation and causation from
   * `causedBy`) are filled in; throws `ValidationError`. A type name that is not a literal builds an
   * untyped event, and throws `ArgumentError` for a type or version the registry does not have.
   */
  create<S extends string>(type: S & DynamicString<Events, S>, init: DynamicInit, options?: CreateOptions): EventInstance;
  create<K extends keyof Events & string>(type: K, init: CreateInitOf<Events, K>, options?: CreateOptions): Events[K];
  // Last: a call that no signature takes is reported against the last one, which for a handle is at the field that is wrong.
  create<S extends EventSource>(source: S, init: CreateInit<EventOf<S>>, options?: CreateOptions): EventOf<S>;
  create(source: string | EventSource, init: object, options: CreateOptions = {}): unknown {
    const { version, ...fields } = init as DynamicInit;
    const contract = this.#contractOf(source, version);
    const json = {
      id: randomUUID(),
      type: contract.type,
      version: contract.version,
      ...(contract.aggregateType === undefined ? {} : { aggregateType: contract.aggregateType }),
      timestamp: new Date().toISOString(),
      ...fields,
      metadata: { ...causationOf(options.causedBy), ...fields.metadata },
    };
    return contract.create(parseEvent(contract, json));
  }

  #contractOf(source: string | EventSource, version: number | undefined): EventContract {
    if (typeof source !== "string") return contractOf(source);
    const contract = version === undefined ? this.registry.latest(source) : this.registry.get(source, version);
    if (contract === undefined) {
      throw new ArgumentError("type", `an event type of the registry, with an existing version, not "${source}"${version === undefined ? "" : ` v${version}`}`);
    }
    return contract;
  }

  /**
   * Subscribe a handler to an event type (a handle such as `RecordCreated`: its latest version,
   * upcast; a contract such as `RecordCreatedV1Contract`: that version), to several (a list), or to
   * a pattern with NATS wildcards over type names (`"task.*"`, `"*.created"`, `">"`), typed from the
   * registry when it is a literal. Returns the running subscription.
   */
  subscribe<S extends EventSource>(source: S, handler: EventHandler<EventOf<S>>, options?: Partial<SubscribeOptions<EventOf<S>>>): Promise<Sub>;
  subscribe<const S extends readonly EventSource[]>(sources: S, handler: EventHandler<EventsOf<S>>, options?: Partial<SubscribeOptions<EventsOf<S>>>): Promise<Sub>;
  subscribe<P extends string>(pattern: P & KnownPattern<Events, P>, handler: EventHandler<MatchingEvents<Events, P>>, options?: Partial<SubscribeOptions<MatchingEvents<Events, P>>>): Promise<Sub>;
  async subscribe(target: string | EventSource | readonly EventSource[], handler: EventHandler<never>, options: Partial<SubscribeOptions> = {}): Promise<Sub> {
    const sources: readonly (string | EventSource)[] = typeof target === "string" || !Array.isArray(target) ? [target as string | EventSource] : target;
    const patterns = sources.map((source) => (typeof source === "string" ? source : source.type));
    const pinned = sources.length === 1 && typeof sources[0] !== "string" ? versionOf(sources[0] as EventSource) : undefined;
    const subscription = this.open(patterns, handler as EventHandler, this.#subscribeOptions(patterns.join(","), { ...(pinned === undefined ? {} : { version: pinned }), ...options }));
    this.#subscriptions.add(subscription);
    if (!this.#stopped) await subscription.start();
    return subscription;
  }

  /**
   * Subscribe a handler of batches: the targets and options of `subscribe`, but the handler gets up
   * to `maxBatch` events at once (those that came within `maxWaitMs` of the first), with their
   * contexts. A batch that succeeds acknowledges all of its events; one that throws fails each of
   * them with that error, retried, dead-lettered or discarded one by one (`batch-handler.ts`), so a
   * batch handler must be idempotent. Each event waits for its batch in a handler slot:
   * `concurrency` defaults to `maxBatch` and may not be below it.
   */
  subscribeBatch<S extends EventSource>(source: S, handler: BatchHandler<EventOf<S>>, options?: Partial<SubscribeBatchOptions<EventOf<S>>>): Promise<Sub>;
  subscribeBatch<const S extends readonly EventSource[]>(sources: S, handler: BatchHandler<EventsOf<S>>, options?: Partial<SubscribeBatchOptions<EventsOf<S>>>): Promise<Sub>;
  subscribeBatch<P extends string>(pattern: P & KnownPattern<Events, P>, handler: BatchHandler<MatchingEvents<Events, P>>, options?: Partial<SubscribeBatchOptions<MatchingEvents<Events, P>>>): Promise<Sub>;
  async subscribeBatch(target: string | EventSource | readonly EventSource[], handler: BatchHandler<never>, options: Partial<SubscribeBatchOptions> = {}): Promise<Sub> {
    const { maxBatch = defaultBatchOptions.maxBatch, maxWaitMs = defaultBatchOptions.maxWaitMs, ...subscribeOptions } = options;
    requireNumberOptions({ maxBatch, maxWaitMs }, { maxBatch: "count", maxWaitMs: "milliseconds" }, "for a batch subscription");
    const concurrency = subscribeOptions.concurrency ?? maxBatch;
    if (concurrency < maxBatch) throw new ArgumentError("concurrency", `at least maxBatch (${maxBatch}) for a batch subscription, whose events each wait for their batch in a handler slot, not ${concurrency}`);
    return this.subscribe(target as never, batchingHandler(handler as BatchHandler<unknown>, { maxBatch, maxWaitMs }) as never, { ...subscribeOptions, concurrency });
  }

  #subscribeOptions(pattern: string, options: Partial<SubscribeOptions>): SubscribeOptions {
    const settings = withDefaults(defaultSubscribeOptions(pattern, this.#identity.service), options);
    if (settings.durable === undefined) {
      throw new ArgumentError("durable", `a durable consumer name for the subscription to "${pattern}", or a service name at connect ({ service }), so that no two services share one consumer`);
    }
    const context = `for the subscription to "${pattern}"`;
    requireNumberOptions(settings, { concurrency: "count", prefetch: "count", maxDeliver: "count", ackWaitMs: "milliseconds", handlerTimeoutMs: "milliseconds" }, context);
    requireChoice("deliverPolicy", settings.deliverPolicy, deliverPolicies, context);
    requireChoice("ordering", settings.ordering, subscriptionOrderings, context);
    const backoff: unknown = settings.backoffMs;
    if (backoff !== undefined && !(Array.isArray(backoff) && backoff.every((ms) => isNumberOf("milliseconds or 0", ms)))) {
      throw new ArgumentError("backoffMs", `a list of pauses in milliseconds, each 0 or more, ${context}, not ${shown(backoff)}`);
    }
    const breaker = settings.circuitBreaker;
    if (breaker !== undefined) {
      requireNumber("circuitBreaker.failureThreshold", breaker.failureThreshold, "count", context);
      requireNumber("circuitBreaker.openMs", breaker.openMs, "milliseconds", context);
      if (breaker.offline !== undefined && typeof breaker.offline !== "function") {
        throw new ArgumentError("circuitBreaker.offline", `a function that handles an event while the circuit is open, ${context}, not ${shown(breaker.offline)}`);
      }
    }
    return { ...settings, durable: settings.durable };
  }
}

/**
 * What handlers and services need of a bus, whichever it is: `EventBus` on JetStream or
 * `MemoryBus` in unit tests both are one. Type a dependency as `EventBusApi<LatestEvents>` to take either.
 */
export interface EventBusApi<Events = unknown>
  extends Pick<
    TypedBus<Events, EventSubscription>,
    "registry" | "publish" | "publishJson" | "publishBatch" | "create" | "subscribe" | "subscribeBatch" | "unsubscribe" | "start" | "stop" | "close" | "listDeadLetters" | "replayDeadLetter"
  > {}

/** The metadata an event caused by `cause` starts with: its correlation id (or its id), and its id as causation. */
function causationOf(cause: EventInstance | undefined): { correlationId?: string; causationId?: string } {
  if (cause === undefined) return {};
  const { id, metadata } = cause as { id?: unknown; metadata?: { correlationId?: unknown } };
  if (typeof id !== "string") return {};
  const correlationId = typeof metadata?.correlationId === "string" ? metadata.correlationId : id;
  return { correlationId, causationId: id };
}
