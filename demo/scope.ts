/**
 * What every demo flow shares: the bus, a log line writer, and subscriptions that start at new
 * events only and are removed (durable consumers included) when the flow ends, so that a demo run
 * against a shared server leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import type { EventBus, EventHandler, EventInstance, EventOf, EventsOf, EventSource, Subscription, SubscribeOptions } from "@evc/runtime";

/** The events a source or a list of sources stands for. */
type Delivered<S> = S extends readonly EventSource[] ? EventsOf<S> : EventOf<S>;
import type { LatestEvents } from "@evc/seeds";

/** Writes one line of progress output. */
export type Log = (line: string) => void;

/** One run of one flow. */
export class DemoScope {
  readonly bus: EventBus<LatestEvents>;
  readonly log: Log;
  /** Unique to this run; flows use it in ids, so that runs on a shared server never mix. */
  readonly runId = randomUUID().slice(0, 8);

  /** The PostgreSQL server flows that need a database create theirs on (a connection string; default the local one). */
  readonly postgresUrl: string | undefined;
  readonly #subscriptions: Subscription[] = [];

  constructor(bus: EventBus<LatestEvents>, log: Log, postgresUrl?: string) {
    this.bus = bus;
    this.log = log;
    this.postgresUrl = postgresUrl;
  }

  /** Subscribe a handler to new events of a type (its latest version, or the contract's) or of several, under a durable name unique to this run. */
  async on<const S extends EventSource | readonly EventSource[]>(source: S, role: string, handler: EventHandler<Delivered<S>>, options: Partial<SubscribeOptions> = {}): Promise<Subscription> {
    const subscription = await this.bus.subscribe(source as EventSource, handler as EventHandler<EventInstance>, { durable: `demo-${this.runId}-${role}`, deliverPolicy: "new", ...options });
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
