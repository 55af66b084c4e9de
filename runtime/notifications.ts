import type { CircuitState } from "./circuit-breaker.js";
import type { DeadLetter } from "./dead-letter.js";
import type { RuntimeMetrics } from "./metrics.js";

/** A fan-out of notifications to whoever iterates `status()`; nothing is kept for nobody, and a slow listener loses the oldest. */

/** Something a subscription reports while it runs, keyed by a snake_case `type`. */
export type SubscriptionNotification =
  | { readonly type: "handler_failed"; readonly error: Error; readonly eventType: string; readonly deliveryCount: number; readonly retryInMs: number }
  | { readonly type: "invalid_event"; readonly error: Error; readonly subject: string; readonly streamSeq: number }
  | {
      readonly type: "dead_lettered";
      readonly reason: string;
      readonly poison: boolean;
      readonly category: string | undefined;
      readonly subject: string;
      readonly streamSeq: number;
      readonly deliveryCount: number;
      /** The dead letter as stored, as `listDeadLetters` and `evc dlq list` read it: where it is (`deadLetterStream`, `seq`), the event's id, type and version, when. */
      readonly letter: DeadLetter;
    }
  | { readonly type: "discarded"; readonly reason: string; readonly category: string | undefined; readonly subject: string; readonly streamSeq: number; readonly deliveryCount: number }
  | {
      readonly type: "dead_letter_failed";
      readonly error: Error;
      readonly subject: string;
      readonly streamSeq: number;
      /** The failed tries so far for this message. */
      readonly attempt: number;
      /** True when this was the last try: the message was terminated without a dead letter (it stays in its stream). */
      readonly terminated: boolean;
    }
  | { readonly type: "consumer_status"; readonly status: string; readonly data: unknown }
  | { readonly type: "circuit_state"; readonly state: CircuitState; readonly failures: number };

const capacity = 1_000;

/** What a subscription's circuit breaker calls on a change of state: the open-circuit metric set (when there are metrics), then a `circuit_state` notification. */
export function circuitReporter(metrics: RuntimeMetrics | undefined, subscription: string, notifier: Notifier<SubscriptionNotification>): (state: CircuitState, failures: number) => void {
  return (state, failures) => {
    metrics?.circuitOpen(subscription, state !== "closed");
    notifier.emit({ type: "circuit_state", state, failures });
  };
}

/** Delivers each notification to every open `listen()` iterator. */
export class Notifier<T> {
  readonly #listeners = new Set<Listener<T>>();
  #closed = false;

  /** Send a notification to every listener. */
  emit(notification: T): void {
    for (const listener of this.#listeners) {
      if (listener.queue.length >= capacity) listener.queue.shift();
      listener.queue.push(notification);
      listener.wake?.();
    }
  }

  /** End every iterator. */
  close(): void {
    this.#closed = true;
    for (const listener of this.#listeners) listener.wake?.();
  }

  /** Iterate notifications emitted from now on (from this call, not from the first `next()`), until `close()`. */
  listen(): AsyncIterable<T> {
    const listener: Listener<T> = { queue: [], wake: undefined };
    this.#listeners.add(listener);
    return this.#drain(listener);
  }

  async *#drain(listener: Listener<T>): AsyncIterable<T> {
    try {
      for (;;) {
        const next = listener.queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.#closed) return;
        await new Promise<void>((resolve) => (listener.wake = resolve));
        listener.wake = undefined;
      }
    } finally {
      this.#listeners.delete(listener);
    }
  }
}

/** One `listen()` iterator's queue, and how to wake it when it waits. */
interface Listener<T> {
  readonly queue: T[];
  wake: (() => void) | undefined;
}
