/**
 * A subscription of the in-memory bus. It handles a delivery the way a JetStream subscription
 * handles a message, with the same parts: `receiveEvent` decodes, validates and upcasts to the
 * version asked for (or says it can never be handled: dead-lettered at once as poison), the
 * handler runs with a `DeliveryContext` inside `Telemetry.handle`, a failure is redelivered after
 * `judgeFailure` says (retries with backoff up to `maxDeliver`, a failure category's policy, a
 * `PermanentFailure` at once), then dead-lettered with `deadLetterCopy` or discarded; an open circuit
 * defers deliveries without counting them. What happens is told on `status()`.
 */
import type { EventContract, EventInstance, JsonObject } from "./contract.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { deadLetterCopy } from "./dead-letter.js";
import { DeliveryContext, type CreateCaused, type DeliveredMessage } from "./delivery-context.js";
import { asMsgHdrs } from "./headers.js";
import type { Delivery, DeliveryTarget, MemoryBroker, MemoryConsumer } from "./memory-broker.js";
import { circuitReporter, Notifier, type SubscriptionNotification } from "./notifications.js";
import { judgeFailure } from "./failure-policy.js";
import { HandlerDeadline } from "./handler-deadline.js";
import type { Registry } from "./registry.js";
import { receiveEvent, subscriptionRoutes, type Targets } from "./routing.js";
import { deferralLimit, handlerTimeoutOf, type EventHandler, type SubscribeOptions } from "./subscribe.js";
import { contractPattern, coveringPatterns } from "./subject.js";
import type { Telemetry } from "./telemetry.js";
import type { StreamSpec } from "./topology.js";
import type { EventSubscription } from "./typed-bus.js";

/** What an in-memory subscription needs of its bus. */
export interface MemorySubscriptionHost {
  readonly broker: MemoryBroker;
  readonly registry: Registry;
  readonly telemetry: Telemetry;
  /** The bus's `create`, for events a handler builds from the one it handles. */
  readonly create: CreateCaused;
  /** The largest message a dead letter may be before it is stored by reference. */
  readonly maxPayload: number;
}

/** A running subscription of a `MemoryBus`. */
export class MemorySubscription implements EventSubscription, DeliveryTarget {
  readonly pattern: string;
  readonly options: SubscribeOptions;
  readonly closed: Promise<void>;
  readonly #host: MemorySubscriptionHost;
  readonly #handler: EventHandler;
  readonly #targets: Targets;
  readonly #streams: Map<StreamSpec, EventContract[]>;
  readonly #notifier = new Notifier<SubscriptionNotification>();
  readonly #breaker: CircuitBreaker | undefined;
  readonly #inflight = new Set<Promise<void>>();
  #consumers: MemoryConsumer[] = [];
  #running = 0;
  #resolveClosed: () => void = () => undefined;

  /** Use `MemoryBus.subscribe`. */
  constructor(host: MemorySubscriptionHost, patterns: readonly string[], handler: EventHandler, options: SubscribeOptions) {
    this.#host = host;
    this.pattern = patterns.join(", ");
    this.#handler = handler;
    this.options = options;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    ({ targets: this.#targets, streams: this.#streams } = subscriptionRoutes(host.registry, patterns, options));
    this.#breaker =
      options.circuitBreaker === undefined
        ? undefined
        : new CircuitBreaker(options.circuitBreaker, circuitReporter(host.telemetry.metrics, options.durable, this.#notifier), () => host.broker.clock.now());
  }

  /** Whether it can take another delivery now: started and under its concurrency. */
  get ready(): boolean {
    return this.#consumers.length > 0 && this.#running < this.options.concurrency;
  }

  status(): AsyncIterable<SubscriptionNotification> {
    return this.#notifier.listen();
  }

  /** Join the durable consumer of each stream its types live on (created at first use) and take deliveries. */
  async start(): Promise<void> {
    if (this.#consumers.length > 0) return;
    this.#consumers = [...this.#streams].map(([spec, contracts]) => {
      const filters = coveringPatterns(contracts.flatMap((contract) => (contract.subject === undefined ? [] : [contractPattern(contract.subject)])));
      return this.#host.broker.join(spec, this.options.durable, filters, this.options.deliverPolicy, this);
    });
  }

  /** Take no more deliveries and let running handlers finish; what is queued stays with the durable consumer. */
  async drain(): Promise<void> {
    for (const consumer of this.#consumers.splice(0)) this.#host.broker.leave(consumer, this);
    await Promise.all([...this.#inflight]);
  }

  /** Drain and end the subscription for good: `closed` resolves and `status()` iterators end. */
  async stop(): Promise<void> {
    await this.drain();
    this.#notifier.close();
    this.#resolveClosed();
    return this.closed;
  }

  /** Stop, then forget the durable consumers and their places. */
  async remove(): Promise<void> {
    await this.stop();
    for (const spec of this.#streams.keys()) this.#host.broker.remove(spec, this.options.durable);
  }

  deliver(delivery: Delivery, consumer: MemoryConsumer): Promise<void> {
    this.#running++;
    const task = this.#handle(delivery, consumer).finally(() => {
      this.#running--;
      this.#inflight.delete(task);
    });
    this.#inflight.add(task);
    return task;
  }

  async #handle(delivery: Delivery, consumer: MemoryConsumer): Promise<void> {
    const { message } = delivery;
    const delivered: DeliveredMessage = { subject: message.subject, headers: asMsgHdrs(message.headers), data: message.data, info: { stream: message.stream, streamSequence: message.seq, deliveryCount: delivery.count } };
    let received;
    try {
      received = receiveEvent(this.#host.registry, this.#targets, message.subject, message.headers, message.data);
    } catch (error) {
      this.#notifier.emit({ type: "invalid_event", error: error as Error, subject: message.subject, streamSeq: message.seq });
      this.#deadLetter(consumer.stream, delivered, error as Error, true, "unknown", undefined);
      consumer.settle(delivery);
      return;
    }
    if (received === undefined) {
      consumer.settle(delivery);
      return;
    }
    const type = received.contract.type;
    const wait = delivery.count < deferralLimit ? (this.#breaker?.admit() ?? 0) : 0;
    if (wait > 0) {
      delivery.deferrals++;
      consumer.redeliver(delivery, wait);
      this.#host.telemetry.consumed(type, this.options.durable, "deferred", undefined);
      return;
    }
    const event = received.event;
    const deadline = new HandlerDeadline();
    const context = new DeliveryContext(delivered, message.subject, received.receivedVersion, event as EventInstance, this.#host.create, deadline);
    const timeoutMs = handlerTimeoutOf(this.options, consumer.stream);
    const run = await this.#host.telemetry.handle(received.contract, event as JsonObject, this.options.durable, message.subject, message.headers, () => deadline.run(() => this.#handler(event, context), timeoutMs));
    if (run.error === undefined) {
      this.#breaker?.success();
      this.#host.telemetry.consumed(type, this.options.durable, "handled", run.seconds);
      consumer.settle(delivery);
      return;
    }
    const spec = consumer.stream;
    const deliveries = delivery.count - delivery.deferrals;
    const decision = judgeFailure(this.#breaker, spec, type, run.error, deliveries, this.options);
    if (decision.action === "discard") {
      this.#host.telemetry.consumed(type, this.options.durable, "discarded", run.seconds);
      this.#notifier.emit({ type: "discarded", reason: run.error.message, category: decision.category, subject: message.subject, streamSeq: message.seq, deliveryCount: delivery.count });
      consumer.settle(delivery);
      return;
    }
    if (decision.action === "dead_letter") {
      this.#deadLetter(spec, delivered, run.error, !decision.retried, type, run.seconds, decision.category);
      consumer.settle(delivery);
      return;
    }
    const delay = decision.delayMs;
    consumer.redeliver(delivery, delay);
    this.#host.telemetry.consumed(type, this.options.durable, "retried", run.seconds);
    this.#notifier.emit({ type: "handler_failed", error: run.error, eventType: type, deliveryCount: deliveries, retryInMs: delay });
  }

  /** Store the dead-letter copy of a delivery on its stream's dead-letter stream. */
  #deadLetter(spec: StreamSpec, message: DeliveredMessage, error: Error, poison: boolean, type: string, seconds: number | undefined, category?: string): void {
    const cause = { reason: error.message, error: error.name, poison, deliveries: message.info.deliveryCount, consumer: this.options.durable, category };
    const copy = deadLetterCopy(spec, message, message.subject, cause, this.#host.maxPayload);
    this.#host.broker.storeDeadLetter(spec, copy.subject, copy.headers, copy.data, copy.msgID);
    this.#host.telemetry.consumed(type, this.options.durable, "dead_lettered", seconds);
    this.#notifier.emit({ type: "dead_lettered", reason: cause.reason, poison, category, subject: message.subject, streamSeq: message.info.streamSequence, deliveryCount: message.info.deliveryCount });
  }
}
