/**
 * Request and response over events (seed 000's SuspensionManager): publish a request event and
 * wait for the response event that carries the same correlation id, from whichever process
 * answers, on JetStream or on the in-memory bus. The wait listens before the request is published
 * (on JetStream, a plain NATS subscription to the response type's channel: JetStream publishes
 * reach core subscribers too), matches the
 * `ce-correlationid` header before parsing anything, then validates, upcasts and checks the body's
 * `metadata.correlationId`. A response published while this client was disconnected is found
 * after the reconnect by reading the stream from the request on. Whatever ends the wait (the
 * response, the timeout, an error) removes the subscription, so nothing is left on the server and
 * a late response finds no one listening.
 */
import { randomUUID } from "node:crypto";
import type { EventInstance } from "./contract.js";
import type { CreateInit, RequestOperation } from "./event-types.js";
import { ArgumentError, ContractError } from "./errors.js";
import { Header, readHeader } from "./headers.js";
import { isPlainObject } from "./json.js";
import { resolveEvent, type PublishAck, type Publishable } from "./publish.js";
import { receiveEvent, resolveTargets, streamsOf, type Targets } from "./routing.js";
import type { HeardMessage, MessageSource, ReadStart } from "./stream-reader.js";
import type { EventBusApi } from "./typed-bus.js";
import { contractFilters } from "./subject.js";
import { requireNumber } from "./argument-checks.js";

/**
 * What request/response needs of a bus (`EventBus`, or `MemoryBus` in unit tests): to build and
 * publish the request, to hear responses as they are published, and, where a connection can be
 * lost, to read back what it missed.
 */
export interface ResponseHost extends Pick<EventBusApi, "registry" | "create" | "publishJson"> {
  readonly messages: MessageSource;
  /** Hear every message published on a subject filter from now on, until the returned function is called. */
  listen(filter: string, listener: (message: HeardMessage) => void): () => void;
  /** Yield on each reconnect after a lost connection: what `listen` heard may have a gap there. */
  reconnects?(): AsyncIterable<void>;
}

/** Options of `suspendForResponse`; every field has a default. */
export interface SuspendOptions {
  /** How long to wait for the response, in milliseconds; default 30,000. */
  readonly timeout: number;
}

/** Thrown when no response arrives in time; the wait has ended and left nothing behind. */
export class ResponseTimeoutError extends ContractError {
  readonly responseTypes: readonly string[];
  readonly correlationId: string;
  readonly timeoutMs: number;

  constructor(responseTypes: readonly string[], correlationId: string, timeoutMs: number) {
    super(`no ${responseTypes.map((type) => `"${type}"`).join(" or ")} response with correlation id "${correlationId}" within ${timeoutMs} ms`);
    this.name = "ResponseTimeoutError";
    this.responseTypes = responseTypes;
    this.correlationId = correlationId;
    this.timeoutMs = timeoutMs;
  }
}

/** One wait for a response. */
interface Wait {
  readonly correlationId: string;
  readonly requestId: string;
  readonly targets: Targets;
  /** Where to look for a missed response after a reconnect: each stream and channel, from the request on. */
  sources: { stream: string; filter: string; start: ReadStart }[];
  accept(message: HeardMessage): void;
}

/** Waits for response events across processes, as seed 000's SuspensionManager does. */
export class SuspensionManager {
  readonly #bus: ResponseHost;
  readonly #waits = new Set<Wait>();
  #watching = false;
  /** How many times the connection came back since this watched it: a request that saw one while it waited for its ack looks in the streams then. */
  #reconnects = 0;

  constructor(bus: ResponseHost) {
    this.#bus = bus;
  }

  /** Waits in progress. */
  get pending(): number {
    return this.#waits.size;
  }

  /**
   * Run a request/reply operation of the specs: build its request event from `init` (a fresh
   * correlation id unless its metadata names one), publish it, and resolve with the first reply of
   * the operation's reply types carrying that correlation id, typed; rejects as `suspendForResponse` does.
   */
  async request<Request extends EventInstance, Reply extends EventInstance>(
    operation: RequestOperation<Request, Reply>,
    init: CreateInit<Request>,
    options: Partial<SuspendOptions> = {},
  ): Promise<Reply> {
    const metadata = (init as { readonly metadata?: { readonly correlationId?: string } }).metadata;
    const correlationId = metadata?.correlationId ?? randomUUID();
    const request = this.#bus.create(operation.request, { ...init, metadata: { ...metadata, correlationId } } as CreateInit<Request>);
    return this.suspendForResponse<Reply>(request, operation.replies.map((reply) => reply.type), correlationId, options);
  }

  /**
   * Publish `request` and resolve with the first event of `responseType` (a type, a pattern over
   * types, or several) whose correlation id is `correlationId`, upcast to its latest version. The
   * responder copies the request's `metadata.correlationId` into its response. Rejects with
   * `ResponseTimeoutError` after `timeout` ms, or with the error that publishing the request or
   * reading the response raised; every way out removes the subscription.
   */
  async suspendForResponse<T = EventInstance>(request: Publishable, responseType: string | readonly string[], correlationId: string, options: Partial<SuspendOptions> = {}): Promise<T> {
    const timeout = options.timeout ?? 30_000;
    requireNumber("timeout", timeout, "milliseconds");
    if (typeof correlationId !== "string" || correlationId === "") throw new ArgumentError("correlationId", "a non-empty string");
    const { json } = resolveEvent(this.#bus.registry, request);
    const carried = isPlainObject(json["metadata"]) ? json["metadata"]["correlationId"] : undefined;
    if (carried !== undefined && carried !== correlationId) {
      throw new ArgumentError("correlationId", `the correlation id the request carries ("${String(carried)}"), which the responder copies, not "${correlationId}"`);
    }
    const types = typeof responseType === "string" ? [responseType] : [...responseType];
    const targets: Targets = new Map(types.flatMap((type) => [...resolveTargets(this.#bus.registry, type, undefined)]));
    const channels = [...streamsOf(this.#bus.registry, targets)].map(([spec, contracts]) => ({
      stream: spec.name,
      filters: contractFilters(contracts),
    }));

    let settle: (outcome: { event: T } | { error: Error }) => void = () => undefined;
    const outcome = new Promise<{ event: T } | { error: Error }>((resolve) => (settle = resolve));
    let settled = false;
    const finish = (result: { event: T } | { error: Error }) => {
      if (settled) return;
      settled = true;
      settle(result);
    };
    const wait: Wait = {
      correlationId,
      requestId: String(json["id"]),
      targets,
      sources: [],
      accept: (message) => {
        const event = this.#match<T>(wait, message);
        if (event !== undefined) finish(event);
      },
    };
    const listeners = channels.flatMap(({ filters }) => filters.map((filter) => this.#bus.listen(filter, (message) => wait.accept(message))));
    this.#waits.add(wait);
    this.#watchReconnects();
    const timer = setTimeout(() => finish({ error: new ResponseTimeoutError(types, correlationId, timeout) }), timeout);
    const startedAt = Date.now();
    const reconnectsBefore = this.#reconnects;
    try {
      let ack: PublishAck;
      try {
        ack = await this.#bus.publishJson(request);
      } catch (error) {
        finish({ error: error as Error });
        throw error;
      }
      wait.sources = channels.flatMap(({ stream, filters }) =>
        filters.map((filter) => ({ stream, filter, start: stream === ack.stream ? { seq: ack.seq + 1 } : { time: new Date(startedAt - 5_000) } })),
      );
      // A reconnect while the request waited for its ack looked nowhere (the sources were not known yet):
      // a response stored while the connection was down is looked for now.
      if (this.#reconnects !== reconnectsBefore) void this.#catchUp(wait);
      const result = await outcome;
      if ("error" in result) throw result.error;
      return result.event;
    } finally {
      settled = true;
      clearTimeout(timer);
      this.#waits.delete(wait);
      for (const stopListening of listeners) stopListening();
    }
  }

  /** The response in a message, if it is one for this wait; an unreadable response becomes the error the wait ends with. */
  #match<T>(wait: Wait, message: HeardMessage): { event: T } | { error: Error } | undefined {
    if (readHeader(message.headers, Header.correlationId) !== wait.correlationId || readHeader(message.headers, Header.id) === wait.requestId) return undefined;
    let received;
    try {
      received = receiveEvent(this.#bus.registry, wait.targets, message.subject, message.headers, message.data);
    } catch (error) {
      return { error: error as Error };
    }
    if (received === undefined) return undefined;
    const metadata = (received.event as { metadata?: { correlationId?: unknown } }).metadata;
    return metadata?.correlationId === wait.correlationId ? { event: received.event as T } : undefined;
  }

  /** After each reconnect, look in the streams for responses that arrived while the connection was down. */
  #watchReconnects(): void {
    if (this.#watching || this.#bus.reconnects === undefined) return;
    this.#watching = true;
    const reconnects = this.#bus.reconnects();
    void (async () => {
      for await (const _ of reconnects) {
        this.#reconnects++;
        for (const wait of this.#waits) void this.#catchUp(wait);
      }
    })().catch(() => undefined);
  }

  async #catchUp(wait: Wait): Promise<void> {
    try {
      for (const source of wait.sources) {
        for await (const message of this.#bus.messages.read({ ...source, endSeq: undefined })) {
          if (!this.#waits.has(wait)) return;
          wait.accept(message);
        }
      }
    } catch {
      // The connection may drop again; the subscription still listens, and the next reconnect looks again.
    }
  }
}
