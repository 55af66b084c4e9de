/**
 * The options of a subscription, the same on both buses: what each means, their defaults, and the
 * ack wait and handler deadline they give on a stream.
 */
import type { CircuitBreakerOptions } from "./circuit-breaker.js";
import type { HandlerContext } from "./delivery-context.js";
import type { StreamSpec } from "./topology.js";

/** Deliveries an open circuit may defer a message for; past it the handler runs anyway. */
export const deferralLimit = 100;

/** A function that handles one event; throwing (or rejecting) means "retry later". */
export type EventHandler<T = unknown> = (event: T, context: HandlerContext) => unknown;

/** A subscription's circuit breaker: when it opens, and what becomes of the events that come while it is open. */
export interface SubscriptionCircuitBreaker<T = unknown> extends CircuitBreakerOptions {
  /**
   * Seed 001's `handleEventOffline`: while the circuit is open, each event is handed to this handler
   * instead (a fallback that does without the failing dependency: queue the work locally, answer from
   * a cache) and acked when it returns. When it throws as well, the event is deferred as it is without
   * one. What it does moves the circuit neither way. Default: none, every event is deferred.
   */
  readonly offline?: EventHandler<T>;
}

/** Options of a subscription; every field has a default (`defaultSubscribeOptions`). */
export interface SubscribeOptions<T = unknown> {
  /** The durable consumer's name: instances with the same name share the work. */
  readonly durable: string;
  /** The version to upcast to; only for a subscription to one type. Default: the latest. */
  readonly version: number | undefined;
  /** Handlers running at once. */
  readonly concurrency: number;
  /** Messages pulled ahead of the handlers (kept alive with in-progress acks until a handler takes them). */
  readonly prefetch: number;
  /** Deliveries before a failing message is dead-lettered; default: the stream's consumer defaults. */
  readonly maxDeliver: number | undefined;
  /** Delays between redeliveries (the last repeats); default: the stream's consumer defaults. */
  readonly backoffMs: readonly number[] | undefined;
  /**
   * How long the server waits for an ack, or an in-progress ack, before it redelivers: the time a
   * subscription that stopped (a process that died) keeps its messages. Default: the stream's
   * consumer defaults.
   */
  readonly ackWaitMs: number | undefined;
  /**
   * How long a handler may run: past it the delivery fails with `HandlerTimeoutError` (retried, then
   * dead-lettered) and `context.signal` is aborted. Until then its message is kept from redelivery
   * however long that is. Default: `ackWaitMs`.
   */
  readonly handlerTimeoutMs: number | undefined;
  /** Where a new durable consumer starts: every stored event, or only new ones. */
  readonly deliverPolicy: DeliverPolicy;
  /** Stop calling a handler that keeps failing for a while; off (undefined) by default. */
  readonly circuitBreaker: SubscriptionCircuitBreaker<T> | undefined;
  /**
   * `"aggregate"`: the events of one aggregate (one subject) are handled one at a time, in the order
   * the stream stored them; a failed one is retried in place, after its backoff, before the next
   * event of its aggregate runs, while other aggregates' events go on (up to `concurrency`). The
   * order holds within one subscription: instances that share a durable consumer each keep it only
   * among the events they are given. `"none"` (the default): a failed event is handed back to the
   * server and delivered again after its backoff, so later events of its aggregate may be handled
   * before it, and with `concurrency` above 1 two events of one aggregate may run at once.
   */
  readonly ordering: SubscriptionOrdering;
}

/** Where a new durable consumer starts: every stored event, or only new ones. */
export type DeliverPolicy = "all" | "new";

/** The values `deliverPolicy` takes. */
export const deliverPolicies: readonly DeliverPolicy[] = ["all", "new"];

/** How a subscription orders the handling of its events: see `SubscribeOptions.ordering`. */
export type SubscriptionOrdering = "none" | "aggregate";

/** The values `ordering` takes. */
export const subscriptionOrderings: readonly SubscriptionOrdering[] = ["none", "aggregate"];

/**
 * The defaults for a subscription to a type or pattern, for a service (the `service` of connect):
 * the durable name is the service's, so two services never share a consumer. Without a service,
 * a subscription must name its `durable`.
 */
export function defaultSubscribeOptions(pattern: string, service: string | undefined): Omit<SubscribeOptions, "durable"> & { durable: string | undefined } {
  return {
    durable: service === undefined ? undefined : defaultDurableName(service, pattern),
    version: undefined,
    concurrency: 1,
    prefetch: 64,
    maxDeliver: undefined,
    backoffMs: undefined,
    ackWaitMs: undefined,
    handlerTimeoutMs: undefined,
    deliverPolicy: "all",
    circuitBreaker: undefined,
    ordering: "none",
  };
}

/** A subscription's `ackWaitMs` on a stream: its own, else the stream's consumer default. */
export function ackWaitOf(options: SubscribeOptions, spec: StreamSpec): number {
  return options.ackWaitMs ?? spec.consumer.ackWaitMs;
}

/** How long a subscription's handler may run on a stream's events: its `handlerTimeoutMs`, else its ack wait. */
export function handlerTimeoutOf(options: SubscribeOptions, spec: StreamSpec): number {
  return options.handlerTimeoutMs ?? ackWaitOf(options, spec);
}

/** `billing`, `task.*` → `billing-task_star`: a durable name derived from a service and a pattern. */
export function defaultDurableName(service: string, pattern: string): string {
  return `${service}-${pattern.replace(/\*/g, "star").replace(/>/g, "all").replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
