/**
 * What the runtime measures (seed 002's event metrics): what was published and how long the ack
 * took, what each subscription did with what it received and how long its handler ran, handlers in
 * flight, circuit breaker state, and each subscription's backlog. An interface, so that the runtime needs no metrics library.
 */

/** How a publish ended. */
export type PublishOutcome = "stored" | "duplicate" | "invalid" | "failed";

/** What a subscription did with a message. */
export type ConsumeOutcome = "handled" | "offline" | "retried" | "dead_lettered" | "discarded" | "deferred" | "dropped";

/** Records the runtime's metrics; `createMetrics` of `@evc/runtime/metrics` makes one on prom-client. */
export interface RuntimeMetrics {
  /** Count a publish and observe how long it waited for its ack. */
  published(type: string, version: number, outcome: PublishOutcome, seconds: number): void;
  /** Count a received message by what became of it, and observe its handler's duration. */
  consumed(type: string, subscription: string, outcome: ConsumeOutcome, seconds: number | undefined): void;
  /** Move the number of handlers in flight. */
  inFlight(subscription: string, delta: 1 | -1): void;
  /** Set whether a subscription's circuit is open. */
  circuitOpen(subscription: string, open: boolean): void;
  /**
   * Set how many messages of a stream a subscription's consumer has not been delivered yet (its
   * backlog: seed 002's queue depth), as the last delivery said. Optional, for metrics written
   * before it.
   */
  backlog?(subscription: string, stream: string, pending: number): void;
}
