/**
 * A subscription of the in-memory bus. It handles a delivery the way a JetStream subscription
 * handles a message, with the same parts: `receiveEvent` decodes, validates and upcasts to the
 * version asked for (or says it can never be handled: dead-lettered at once as poison), the
 * handler runs with a `DeliveryContext` inside `Telemetry.handle`, a failure is redelivered after
 * `judgeFailure` says (retries with backoff up to `maxDeliver`, a failure category's policy, a
 * `PermanentFailure` at once), then dead-lettered with `deadLetterCopy` or discarded; an open circuit
 * defers deliveries without counting them. What happens is told on `status()`.
 */
import { HandlerTimeoutError } from "./handler-deadline.js";
import { deadLetterCopy, toDeadLetter } from "./dead-letter.js";
import type { DeliveredMessage } from "./delivery-context.js";
import { asMsgHdrs } from "./headers.js";
import type { Delivery, DeliveryTarget, MemoryBroker, MemoryConsumer } from "./memory-broker.js";
import type { SubscriptionNotification } from "./notifications.js";
import { judgeFailure } from "./failure-policy.js";
import type { EventHandler, SubscribeOptions } from "./subscribe-options.js";
import { contractFilters } from "./subject.js";
import { SubscriptionCore, type SubscriptionCoreHost } from "./subscription-core.js";
import type { StreamSpec } from "./topology.js";
import type { EventSubscription } from "./typed-bus.js";

/** What an in-memory subscription needs of its bus. */
export interface MemorySubscriptionHost extends SubscriptionCoreHost {
  readonly broker: MemoryBroker;
  /** The largest message a dead letter may be before it is stored by reference. */
  readonly maxPayload: number;
}

/** A running subscription of a `MemoryBus`. */
export class MemorySubscription implements EventSubscription, DeliveryTarget {
  readonly pattern: string;
  readonly options: SubscribeOptions;
  readonly closed: Promise<void>;
  readonly #host: MemorySubscriptionHost;
  readonly #core: SubscriptionCore;
  readonly #inflight = new Set<Promise<void>>();
  #consumers: MemoryConsumer[] = [];
  #running = 0;

  /** Use `MemoryBus.subscribe`. */
  constructor(host: MemorySubscriptionHost, patterns: readonly string[], handler: EventHandler, options: SubscribeOptions) {
    this.#host = host;
    this.#core = new SubscriptionCore(host, patterns, handler, options, () => host.broker.clock.now());
    this.pattern = this.#core.pattern;
    this.options = options;
    this.closed = this.#core.closed;
  }

  get ordered(): boolean {
    return this.options.ordering === "aggregate";
  }

  /** Whether it can take another delivery now: started and under its concurrency. */
  get ready(): boolean {
    return this.#consumers.length > 0 && this.#running < this.options.concurrency;
  }

  status(): AsyncIterable<SubscriptionNotification> {
    return this.#core.notifier.listen();
  }

  /** Join the durable consumer of each stream its types live on (created at first use) and take deliveries. */
  async start(): Promise<void> {
    if (this.#consumers.length > 0) return;
    this.#consumers = [...this.#core.streams].map(([spec, contracts]) => {
      const filters = contractFilters(contracts);
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
    return this.#core.end();
  }

  /** Stop, then forget the durable consumers and their places. */
  async remove(): Promise<void> {
    await this.stop();
    for (const spec of this.#core.streams.keys()) this.#host.broker.remove(spec, this.options.durable);
  }

  deliver(delivery: Delivery, consumer: MemoryConsumer): Promise<void> {
    this.#host.telemetry.backlog(this.options.durable, delivery.message.stream, consumer.queue.length);
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
      received = this.#core.receive(message.subject, message.headers, message.data);
    } catch (error) {
      this.#core.notifier.emit({ type: "invalid_event", error: error as Error, subject: message.subject, streamSeq: message.seq });
      this.#deadLetter(consumer.stream, delivered, error as Error, true, "unknown", undefined);
      consumer.settle(delivery);
      return;
    }
    if (received === undefined) {
      consumer.settle(delivery);
      return;
    }
    const type = received.contract.type;
    const opened = this.#core.whileOpen(consumer.stream, received, delivered, message.subject, message.headers);
    const open = opened instanceof Promise ? await opened : opened;
    if (open === "handled") {
      consumer.settle(delivery);
      return;
    }
    if (open !== undefined) {
      delivery.deferrals++;
      consumer.redeliver(delivery, open.deferMs);
      return;
    }
    const run = await this.#core.run(consumer.stream, received, delivered, message.subject, message.headers);
    if (run.error instanceof HandlerTimeoutError) {
      // A handler past its deadline may still be running: in aggregate order the next handling of its
      // aggregate waits for it; a drain waits for a grace (as on JetStream).
      if (this.options.ordering === "aggregate") await run.error.handlerEnded();
      else {
        const ending: Promise<void> = run.error.handlerEnded(run.error.timeoutMs).finally(() => this.#inflight.delete(ending));
        this.#inflight.add(ending);
      }
    }
    if (run.error === undefined) {
      this.#core.breaker?.success();
      this.#host.telemetry.consumed(type, this.options.durable, "handled", run.seconds);
      consumer.settle(delivery);
      return;
    }
    const spec = consumer.stream;
    const deliveries = delivery.count - delivery.deferrals;
    const decision = judgeFailure(this.#core.breaker, spec, type, run.error, deliveries, this.options);
    if (decision.action === "discard") {
      this.#host.telemetry.consumed(type, this.options.durable, "discarded", run.seconds);
      this.#core.notifier.emit({ type: "discarded", reason: run.error.message, category: decision.category, subject: message.subject, streamSeq: message.seq, deliveryCount: delivery.count });
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
    this.#core.notifier.emit({ type: "handler_failed", error: run.error, eventType: type, deliveryCount: deliveries, retryInMs: delay });
  }

  /** Store the dead-letter copy of a delivery on its stream's dead-letter stream. */
  #deadLetter(spec: StreamSpec, message: DeliveredMessage, error: Error, poison: boolean, type: string, seconds: number | undefined, category?: string): void {
    const cause = { reason: error.message, error: error.name, poison, deliveries: message.info.deliveryCount, consumer: this.options.durable, category };
    const copy = deadLetterCopy(spec, message, message.subject, cause, this.#host.maxPayload);
    const stored = this.#host.broker.storeDeadLetter(spec, copy.subject, copy.headers, copy.data, copy.msgID);
    this.#host.telemetry.consumed(type, this.options.durable, "dead_lettered", seconds);
    const letter = toDeadLetter(spec.deadLetter.stream, stored);
    this.#core.notifier.emit({ type: "dead_lettered", reason: cause.reason, poison, category, subject: message.subject, streamSeq: message.info.streamSequence, deliveryCount: message.info.deliveryCount, letter });
  }
}
