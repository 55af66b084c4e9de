/**
 * The WebSocket bridge of the live view (seed 002's bridge): one ordered consumer per stream, through
 * the studio's own NATS connection, so it serves only what those credentials can read. Each browser
 * sets its filters; its events are queued (bounded, the oldest dropped and counted) and sent in
 * batches, so that a burst of thousands of events costs a few messages a second, not one each.
 */
import type { ConsumerMessages } from "@nats-io/jetstream";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocketServer, type WebSocket } from "ws";
import { type EventBus, matchesPattern, resolveTargets } from "@evc/runtime";
import { toLiveEvent, type LiveEvent } from "./live-event.js";

/** What a browser asks to see; an empty field matches everything. */
export interface LiveFilter {
  /** An event type or a pattern over types (`record-created`, `task.*`). */
  readonly type: string;
  /** A subject pattern with NATS wildcards (`latechforce.table.*`). */
  readonly subject: string;
  readonly aggregateId: string;
}

/** Whether a stream is being read, and why not. */
export interface StreamFeed {
  readonly stream: string;
  readonly state: "live" | "unavailable";
  readonly reason: string | undefined;
}

/** The messages the bridge sends to a browser. */
export type BridgeMessage =
  | { readonly kind: "events"; readonly events: readonly LiveEvent[]; readonly dropped: number }
  | { readonly kind: "feeds"; readonly feeds: readonly StreamFeed[] };

/** How the bridge batches. */
export interface BridgeOptions {
  /** How often queued events are sent. */
  readonly flushMs: number;
  /** At most this many events wait for one browser; older ones are dropped and counted. */
  readonly maxQueued: number;
  /** How long to wait before reading a stream again that could not be read. */
  readonly retryMs: number;
}

/** Default batching: every 100 ms, at most 2,000 waiting per browser, retry unreadable streams every 2 s. */
export function defaultBridgeOptions(): BridgeOptions {
  return { flushMs: 100, maxQueued: 2000, retryMs: 2000 };
}

interface Client {
  filter: LiveFilter;
  queue: LiveEvent[];
  dropped: number;
}

/** The bridge: attach it to an HTTP server's upgrades with `handleUpgrade`, stop it with `close`. */
export class LiveBridge {
  /** The WebSocket server; the HTTP server hands it the upgrades of `/ws`. */
  readonly sockets = new WebSocketServer({ noServer: true });
  readonly #bus: EventBus;
  readonly #options: BridgeOptions;
  readonly #clients = new Map<WebSocket, Client>();
  readonly #feeds = new Map<string, StreamFeed>();
  readonly #consumers = new Set<ConsumerMessages>();
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(bus: EventBus, options: Partial<BridgeOptions> = {}) {
    this.#bus = bus;
    this.#options = { ...defaultBridgeOptions(), ...options };
    this.sockets.on("connection", (socket) => this.#accept(socket));
    this.#timer = setInterval(() => this.#flush(), this.#options.flushMs);
    for (const stream of bus.registry.topology.streams) void this.#follow(stream.name);
  }

  /** The state of every stream's feed. */
  feeds(): StreamFeed[] {
    return [...this.#feeds.values()];
  }

  /** Stop every consumer and close every socket. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const consumer of this.#consumers) consumer.stop();
    for (const socket of this.#clients.keys()) socket.close(1001, "the studio is stopping");
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()));
  }

  #accept(socket: WebSocket): void {
    const client: Client = { filter: { type: "", subject: "", aggregateId: "" }, queue: [], dropped: 0 };
    this.#clients.set(socket, client);
    socket.on("message", (data) => {
      client.filter = parseFilter(data.toString());
      client.queue = [];
    });
    socket.on("close", () => this.#clients.delete(socket));
    this.#send(socket, { kind: "feeds", feeds: this.feeds() });
  }

  /** Read a stream's new messages for as long as the bridge runs; a stream that cannot be read is retried. */
  async #follow(stream: string): Promise<void> {
    const registry = this.#bus.registry;
    const targets = resolveTargets(registry, ">", undefined);
    while (!this.#closed) {
      try {
        const consumer = await this.#bus.jetstream.consumers.get(stream, { deliver_policy: "new" });
        const messages = await consumer.consume();
        this.#consumers.add(messages);
        this.#setFeed({ stream, state: "live", reason: undefined });
        // With no browser connected, messages are skipped undecoded.
        for await (const message of messages) if (this.#clients.size > 0) this.#dispatch(toLiveEvent(registry, targets, message));
        this.#consumers.delete(messages);
      } catch (error) {
        this.#setFeed({ stream, state: "unavailable", reason: (error as Error).message });
      }
      if (!this.#closed) await sleep(this.#options.retryMs);
    }
  }

  #setFeed(feed: StreamFeed): void {
    this.#feeds.set(feed.stream, feed);
    for (const socket of this.#clients.keys()) this.#send(socket, { kind: "feeds", feeds: this.feeds() });
  }

  #dispatch(event: LiveEvent): void {
    for (const client of this.#clients.values()) {
      if (!matches(client.filter, event)) continue;
      client.queue.push(event);
      if (client.queue.length > this.#options.maxQueued) {
        client.queue.shift();
        client.dropped++;
      }
    }
  }

  #flush(): void {
    for (const [socket, client] of this.#clients) {
      // A browser that has not taken the last batch yet gets the next one later; its queue stays bounded.
      if (client.queue.length === 0 || socket.bufferedAmount > 1_000_000) continue;
      this.#send(socket, { kind: "events", events: client.queue, dropped: client.dropped });
      client.queue = [];
      client.dropped = 0;
    }
  }

  #send(socket: WebSocket, message: BridgeMessage): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }
}

/** Read a browser's filter message; anything that is not one clears the filters. */
function parseFilter(text: string): LiveFilter {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const field = (name: string): string => {
    const found = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
    return typeof found === "string" ? found.trim() : "";
  };
  return { type: field("type"), subject: field("subject"), aggregateId: field("aggregateId") };
}

/** Whether an event passes a browser's filters. */
export function matches(filter: LiveFilter, event: LiveEvent): boolean {
  if (filter.type !== "" && (event.type === undefined || !matchesPattern(event.type, filter.type))) return false;
  if (filter.subject !== "" && !matchesPattern(event.subject, filter.subject)) return false;
  return filter.aggregateId === "" || event.aggregateId === filter.aggregateId;
}
