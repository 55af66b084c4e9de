/**
 * The in-memory bus: the API of `EventBus` with no server, for unit tests of handlers (seed 002's
 * in-memory `EventBusImpl`, seed 000's `LocalPubSubProvider`). Events are validated, encoded and
 * decoded by the same code as on JetStream, stored in in-memory streams, and delivered to durable
 * consumers with retries, backoff on a virtual clock and dead letters; `settled()` waits until
 * every delivery has been handled.
 */
import type { EventInstance } from "./contract.js";
import { encodeEvent } from "./codec.js";
import { deadLetterStreamOf, replayFrom, toDeadLetter, type DeadLetter, type Replayed } from "./dead-letter.js";
import type { CreateInit } from "./event-types.js";
import { ContractError } from "./errors.js";
import { checkId } from "./identifiers.js";
import type { ClockMode } from "./memory-clock.js";
import { MemoryBroker } from "./memory-broker.js";
import { MemorySubscription } from "./memory-subscription.js";
import { defaultMaxPayload, payloadTooLarge, publishAll, requireEventObject, requirePlainWriters, resolvePlainEvent, type PublishAck, type Publishable, type PublishResult } from "./publish.js";
import type { Registry } from "./registry.js";
import type { RuntimeMetrics } from "./metrics.js";
import type { HeardMessage, MessageSource } from "./stream-reader.js";
import type { EventHandler, SubscribeOptions } from "./subscribe-options.js";
import { Telemetry } from "./telemetry.js";
import { TypedBus } from "./typed-bus.js";

/** Options of `createMemoryBus`; every field but `registry` has a default. */
export interface MemoryBusOptions<Events = unknown> {
  /** The generated registry; its events type the bus. */
  readonly registry: Registry<Events>;
  /** The service this bus is: subscriptions without a `durable` are named after it, as on `connect`. */
  readonly service?: string;
  /** The CloudEvents `source` of events whose metadata names none; by default the `service`, else "evc". */
  readonly source?: string;
  /**
   * `virtual` (the default): redelivery backoff and circuit pauses take no real time; they pass
   * when the bus has nothing else to do, in the order they are due. `real`: they take real time.
   * Ignored when `broker` is given (its clock counts).
   */
  readonly clock?: ClockMode;
  /** Share the streams and consumers of another bus (another service in the same test); default a broker of its own. */
  readonly broker?: MemoryBroker;
  /** Where the bus's metrics go, as `connect`'s `metrics` (`createMetrics()` of `@evc/runtime/metrics`); `false`, the default, records none. */
  readonly metrics?: RuntimeMetrics | false;
  /** The `max_payload` of the server this bus stands for: a larger event fails to publish (`PayloadTooLargeError`), a larger dead-letter copy is kept by reference. Default 1 MiB, NATS's default. */
  readonly maxPayload?: number;
}

/** Thrown when a closed in-memory bus is asked to publish or subscribe. */
export class MemoryBusClosedError extends ContractError {
  constructor() {
    super("the in-memory bus is closed; create another with createMemoryBus");
    this.name = "MemoryBusClosedError";
  }
}

/** Create an in-memory bus over the registry's topology, started. */
export function createMemoryBus<Events = unknown>(options: MemoryBusOptions<Events>): MemoryBus<Events> {
  return new MemoryBus(options);
}

/**
 * Publishes and subscribes to the events of a registry in memory, with `EventBus`'s API and
 * behaviour: handlers and services typed with `EventBusApi` take either. `Events` (the generated
 * `LatestEvents`) types `create` and `subscribe`.
 */
export class MemoryBus<Events = unknown> extends TypedBus<Events, MemorySubscription> {
  /** The streams, consumers and clock; pass it to another `createMemoryBus` to share them. */
  readonly broker: MemoryBroker;
  /** The stored messages of the streams, for reading back (history). */
  readonly messages: MessageSource;
  /** The metrics the bus records into, if it was given any. */
  readonly metrics: RuntimeMetrics | undefined;
  /** The spans and metrics the bus records. */
  readonly telemetry: Telemetry;
  readonly #source: string;
  readonly #maxPayload: number;
  readonly #ownBroker: boolean;
  #closed = false;

  /** Use `createMemoryBus`. */
  constructor(options: MemoryBusOptions<Events>) {
    const source = options.source ?? options.service ?? "evc";
    super(options.registry, { service: options.service, source });
    if (options.service !== undefined) checkId("service", options.service, "consumer-name");
    this.#ownBroker = options.broker === undefined;
    this.broker = options.broker ?? new MemoryBroker(options.registry.topology, options.clock);
    this.messages = this.broker.streams;
    this.#source = source;
    this.#maxPayload = options.maxPayload ?? defaultMaxPayload;
    this.metrics = options.metrics === false ? undefined : options.metrics;
    this.telemetry = new Telemetry(this.metrics);
  }

  async publish(event: EventInstance): Promise<PublishAck> {
    requireEventObject(event);
    return this.#publish(event);
  }

  publishJson(json: object): Promise<PublishAck> {
    return this.#publish(json as Publishable);
  }

  async publishBatch(events: readonly Publishable[], options: { maxInFlight?: number } = {}): Promise<PublishResult[]> {
    requirePlainWriters(this.registry, events);
    return publishAll(events, options.maxInFlight ?? 1_000, (event) => this.#publish(event));
  }

  async #publish(event: Publishable): Promise<PublishAck> {
    this.#requireOpen();
    const { contract, json } = resolvePlainEvent(this.registry, event);
    return this.telemetry.publish(contract, json, async (trace) => {
      const encoded = encodeEvent(contract, json, { source: this.#source, trace });
      const tooLarge = payloadTooLarge(encoded, contract, this.#maxPayload);
      if (tooLarge !== undefined) throw tooLarge;
      const { message, duplicate } = this.broker.publish(encoded.subject, encoded.headers, encoded.body, encoded.id);
      return { id: encoded.id, type: contract.type, version: contract.version, subject: encoded.subject, stream: message.stream, seq: message.seq, duplicate };
    });
  }

  /** A subscription under the durable consumers of the streams its types live on. */
  protected open(patterns: readonly string[], handler: EventHandler, options: SubscribeOptions): MemorySubscription {
    this.#requireOpen();
    return new MemorySubscription(
      {
        broker: this.broker,
        registry: this.registry,
        telemetry: this.telemetry,
        maxPayload: this.#maxPayload,
        create: (source, init, causedBy) => this.create(source, init as CreateInit<EventInstance>, { causedBy }) as EventInstance,
      },
      patterns,
      handler,
      options,
    );
  }

  /** End every subscription; a bus with a broker of its own also drops its pending redeliveries. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.endSubscriptions();
    if (this.#ownBroker) this.broker.close();
  }

  /**
   * Resolve once every delivery that can be made has been handled, retries and dead letters
   * included (on the virtual clock, backoff passes at once). Do not await it inside a handler: it
   * waits for that handler too.
   */
  settled(): Promise<void> {
    return this.broker.settled();
  }

  /** The time of the bus's clock in epoch milliseconds: the wall clock plus the virtual time its backoff has passed. */
  now(): number {
    return this.broker.clock.now();
  }

  /** Hear every message published on a subject filter from now on, until the returned function is called. */
  listen(filter: string, listener: (message: HeardMessage) => void): () => void {
    return this.broker.listen(filter, listener);
  }

  /** The dead letters of a dead-letter stream (`LATECHFORCE_DLQ`), oldest first, at most `limit`, as `listDeadLetters` reads them from JetStream. */
  async listDeadLetters(deadLetterStream: string, limit = 1_000): Promise<DeadLetter[]> {
    deadLetterStreamOf(this.registry.topology, deadLetterStream);
    return this.broker.streams
      .list(deadLetterStream)
      .slice(0, limit)
      .map((message) => toDeadLetter(deadLetterStream, message));
  }

  /**
   * Deliver a dead letter again to the durable consumer that dead-lettered it, and only to it, under
   * a fresh message id, and remove it, as `replayDeadLetter` does on JetStream.
   */
  replayDeadLetter(deadLetterStream: string, seq: number): Promise<Replayed> {
    const streams = this.broker.streams;
    return replayFrom(
      {
        get: async (stream, at) => streams.get(stream, at),
        replay: async (spec, consumer, subject, data, headers, msgID) => this.broker.replay(spec, consumer, subject, headers, data, msgID),
        // Deleted already by another replay of the same letter, as on JetStream.
        delete: async (stream, at) => (streams.get(stream, at) === undefined ? undefined : streams.delete(stream, at)),
      },
      this.registry.topology,
      deadLetterStream,
      seq,
    );
  }

  #requireOpen(): void {
    if (this.#closed) throw new MemoryBusClosedError();
  }
}
