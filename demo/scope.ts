/**
 * What every demo flow shares: the bus, a log line writer, and subscriptions that start at new
 * events only and are removed (durable consumers included) when the flow ends, so that a demo run
 * against a shared server leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import type { EventBus, EventHandler, EventOf, EventSource, Subscription, SubscribeOptions } from "@evc/runtime";
import type { LatestEvents } from "@evc/seeds";

/** Writes one line of progress output. */
export type Log = (line: string) => void;

/** One run of one flow. */
export class DemoScope {
  readonly bus: EventBus<LatestEvents>;
  readonly log: Log;
  /** Unique to this run; flows use it in ids, so that runs on a shared server never mix. */
  readonly runId = randomUUID().slice(0, 8);
  readonly #subscriptions: Subscription[] = [];

  constructor(bus: EventBus<LatestEvents>, log: Log) {
    this.bus = bus;
    this.log = log;
  }

  /** Subscribe a handler to new events of a type (its latest version, or the contract's), under a durable name unique to this run. */
  async on<S extends EventSource>(source: S, role: string, handler: EventHandler<EventOf<S>>, options: Partial<SubscribeOptions> = {}): Promise<Subscription> {
    const subscription = await this.bus.subscribe(source, handler, { durable: `demo-${this.runId}-${role}`, deliverPolicy: "new", ...options });
    this.#subscriptions.push(subscription);
    return subscription;
  }

  /**
   * Subscribe, then return `arrival`: the first event `accept` takes (rejected after `timeoutMs`).
   * It is wrapped in an object because an async function cannot return a promise unawaited.
   */
  async first<S extends EventSource>(source: S, role: string, accept: (event: EventOf<S>) => boolean, timeoutMs = 10_000): Promise<{ arrival: Promise<EventOf<S>> }> {
    let resolve: (event: EventOf<S>) => void = () => undefined;
    const found = new Promise<EventOf<S>>((done) => (resolve = done));
    await this.on(source, role, (event) => {
      if (accept(event)) resolve(event);
    });
    return { arrival: within(found, `a "${source.type}" event`, timeoutMs) };
  }

  /** Stop every subscription of the run and delete its durable consumers. */
  async close(): Promise<void> {
    for (const subscription of this.#subscriptions.splice(0)) await this.bus.unsubscribe(subscription, { removeConsumers: true });
  }
}

/** Settle as `promise` does, or reject naming what did not happen within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`demo: ${what} did not arrive within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
