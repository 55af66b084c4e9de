/**
 * Handlers of events in batches (seed 001's batch processing, seed 002's `EVENT_PROCESSING_BATCH_SIZE`):
 * a subscription hands each event to a collector, which calls the batch handler once with up to
 * `maxBatch` events, or with those it has after `maxWaitMs`. Each event's delivery waits for its
 * batch and settles as the batch did: every event of a batch that succeeded is acknowledged, and
 * every event of one that threw fails with that error, to be retried, dead-lettered or discarded
 * one by one as any failed delivery is. So batches reuse every guarantee of a subscription:
 * validation, upcasting, retries, dead letters, deadlines, ordering, spans.
 */
import type { HandlerContext } from "./delivery-context.js";
import type { EventHandler } from "./subscribe-options.js";

/** A function that handles a batch of events; throwing (or rejecting) fails every event of the batch, each retried on its own. */
export type BatchHandler<T = unknown> = (events: T[], contexts: HandlerContext[]) => unknown;

/** How events are gathered into a batch. */
export interface BatchOptions {
  /** The most events of one batch (default 100). */
  readonly maxBatch: number;
  /** How long a batch waits for more events after its first (default 50 ms). */
  readonly maxWaitMs: number;
}

/** The defaults of `BatchOptions`. */
export const defaultBatchOptions: BatchOptions = { maxBatch: 100, maxWaitMs: 50 };

/** An event waiting in a batch, with the delivery that waits for the batch's outcome. */
interface Waiting<T> {
  readonly event: T;
  readonly context: HandlerContext;
  readonly settle: (outcome: { readonly failed: false } | { readonly failed: true; readonly error: unknown }) => void;
}

/** The per-event handler that gathers events into batches for `handler`. */
export function batchingHandler<T>(handler: BatchHandler<T>, options: BatchOptions): EventHandler<T> {
  let waiting: Waiting<T>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    const settleAll = (outcome: Parameters<Waiting<T>["settle"]>[0]) => {
      for (const entry of batch) entry.settle(outcome);
    };
    new Promise((resolve) => resolve(handler(batch.map((entry) => entry.event), batch.map((entry) => entry.context)))).then(
      () => settleAll({ failed: false }),
      (error: unknown) => settleAll({ failed: true, error }),
    );
  };
  return (event, context) =>
    new Promise<void>((resolve, reject) => {
      const entry: Waiting<T> = { event, context, settle: (outcome) => (outcome.failed ? reject(outcome.error) : resolve()) };
      waiting.push(entry);
      // A delivery past its deadline has failed (and comes again): it leaves the batch it waits for, which must not handle it too.
      context.signal.addEventListener("abort", () => (waiting = waiting.filter((other) => other !== entry)), { once: true });
      if (waiting.length >= options.maxBatch) flush();
      else timer ??= setTimeout(flush, options.maxWaitMs);
    });
}
