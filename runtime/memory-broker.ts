/**
 * The server side of the in-memory bus: the streams of a topology, the durable consumers on them
 * and who listens to what is published. A durable consumer keeps one queue of deliveries; the
 * subscriptions that run under its name share that queue (round robin, each up to its
 * concurrency), and each other durable gets every message again, as on JetStream. Several buses
 * (services) may share one broker. Streams keep their limits: a message they remove is not delivered.
 * `settled()` resolves once nothing is left to do.
 */
import type { MsgHdrs } from "@nats-io/transport-node";
import { ArgumentError } from "./errors.js";
import { MemoryClock, type ClockMode } from "./memory-clock.js";
import { NoStreamError } from "./no-stream.js";
import { MemoryStreams } from "./memory-streams.js";
import type { HeardMessage, RawMessage } from "./stream-reader.js";
import { matchesPattern, patternsOverlap, subjectCovers } from "./subject.js";
import { WorkQueueConsumerError } from "./retention.js";
import { deadLetterLimits, replayOf, type JetStreamTopology, type StreamSpec } from "./topology.js";
import type { DeliverPolicy } from "./subscribe-options.js";

/** One delivery of a stored message to a durable consumer; redelivered as the same object. */
export interface Delivery {
  readonly message: RawMessage;
  /** Deliveries so far, this one included. */
  count: number;
  /** Of those, how many an open circuit deferred (they do not count against `maxDeliver`). */
  deferrals: number;
}

/** What runs deliveries: a subscription of a memory bus. */
export interface DeliveryTarget {
  /** Whether it can take another delivery now. */
  readonly ready: boolean;
  /** Whether it handles the events of one aggregate one at a time, in stream order (`ordering: "aggregate"`). */
  readonly ordered: boolean;
  /** Handle one delivery; never rejects. */
  deliver(delivery: Delivery, consumer: MemoryConsumer): Promise<void>;
}

/** A durable consumer on one stream: its subject filters, its queue and the subscriptions that share it. */
export class MemoryConsumer {
  readonly stream: StreamSpec;
  readonly durable: string;
  filters: readonly string[];
  readonly queue: Delivery[] = [];
  readonly targets: DeliveryTarget[] = [];
  readonly #broker: MemoryBroker;
  /** In aggregate order, the delivery of each aggregate that is out: running, or waiting to come again. */
  readonly #out = new Map<string, Delivery>();
  #turn = 0;

  constructor(broker: MemoryBroker, stream: StreamSpec, durable: string, filters: readonly string[]) {
    this.#broker = broker;
    this.stream = stream;
    this.durable = durable;
    this.filters = filters;
  }

  /** Whether a subject passes the consumer's filters (none: every subject of the stream). */
  accepts(subject: string): boolean {
    return this.filters.length === 0 || this.filters.some((filter) => matchesPattern(subject, filter));
  }

  /** The subscription is done with a delivery (acknowledged, or terminated): a workqueue or interest stream may let its message go. */
  settle(delivery: Delivery): void {
    this.#release(delivery);
    this.#broker.acknowledged(this, delivery.message);
  }

  /** Whether a delivery may go out now (see `take`). */
  get deliverable(): boolean {
    return this.#nextIndex() >= 0;
  }

  /** Take the next delivery that may go out now; undefined when none may. */
  take(): Delivery | undefined {
    const index = this.#nextIndex();
    if (index < 0) return undefined;
    const [delivery] = this.queue.splice(index, 1) as [Delivery];
    if (this.#ordered) this.#out.set(aggregateKey(delivery), delivery);
    return delivery;
  }

  /** Whether a subscription under this consumer asks for aggregate order. */
  get #ordered(): boolean {
    return this.targets.some((target) => target.ordered);
  }

  /**
   * Where the next delivery that may go out is in the queue, -1 when none may. Deliveries whose
   * message the stream no longer holds are dropped (not delivered, as on JetStream). When a
   * subscription asks for aggregate order, a delivery waits while an earlier one of its aggregate is out.
   */
  #nextIndex(): number {
    const ordered = this.#ordered;
    for (let index = 0; index < this.queue.length; ) {
      const delivery = this.queue[index] as Delivery;
      if (!this.#broker.streams.holds(delivery.message)) {
        this.queue.splice(index, 1);
        this.#release(delivery);
        continue;
      }
      const out = ordered ? this.#out.get(aggregateKey(delivery)) : undefined;
      if (out === undefined || out === delivery) return index;
      index++;
    }
    return -1;
  }

  /** A delivery is no longer out: the next of its aggregate may go. */
  #release(delivery: Delivery): void {
    const key = aggregateKey(delivery);
    if (this.#out.get(key) === delivery) this.#out.delete(key);
  }

  /** Hand a delivery back, to come again after `delayMs`. */
  redeliver(delivery: Delivery, delayMs: number): void {
    this.#broker.clock.schedule(delayMs, () => {
      delivery.count++;
      this.queue.push(delivery);
      this.#broker.wake();
    });
  }

  /** The next subscription that can take a delivery, in turn; undefined when none can. */
  next(): DeliveryTarget | undefined {
    for (let tried = 0; tried < this.targets.length; tried++) {
      const target = this.targets[(this.#turn + tried) % this.targets.length] as DeliveryTarget;
      if (target.ready) {
        this.#turn = (this.#turn + tried + 1) % this.targets.length;
        return target;
      }
    }
    return undefined;
  }
}

/** Streams, durable consumers and listeners of in-memory buses, with their clock. */
export class MemoryBroker {
  readonly topology: JetStreamTopology;
  readonly clock: MemoryClock;
  readonly streams: MemoryStreams;
  readonly #consumers = new Map<string, MemoryConsumer>();
  /** Replayed dead letters for durable consumers that do not exist yet, by consumer key. */
  readonly #pendingReplays = new Map<string, Delivery[]>();
  readonly #listeners = new Set<{ filter: string; listener: (message: HeardMessage) => void }>();
  readonly #inflight = new Set<Promise<void>>();
  readonly #waiting: (() => void)[] = [];
  /** The consumers that acknowledged each message of an interest stream, until all that want it have. */
  readonly #acknowledged = new WeakMap<RawMessage, Set<MemoryConsumer>>();
  #woken = false;

  constructor(topology: JetStreamTopology, clock: ClockMode = "virtual") {
    this.topology = topology;
    this.clock = new MemoryClock(clock);
    this.streams = new MemoryStreams(
      () => this.clock.now(),
      (stream) => topology.streams.find((spec) => spec.name === stream)?.retention ?? "limits",
    );
  }

  /** The stream whose subjects cover a subject. */
  streamOf(subject: string): StreamSpec {
    const stream = this.topology.streams.find((spec) => spec.subjects.some((pattern) => subjectCovers(pattern, subject)));
    if (stream === undefined) throw new NoStreamError(subject);
    return stream;
  }

  /** Store a message on its stream, queue it for every durable consumer whose filters it passes, and tell the listeners. */
  publish(subject: string, headers: MsgHdrs | undefined, data: Uint8Array, id: string): { message: RawMessage; duplicate: boolean } {
    const spec = this.streamOf(subject);
    const stored = this.streams.append(spec.name, subject, headers, data, id, spec);
    if (stored.duplicate) return stored;
    const interested = this.#interested(spec, subject);
    for (const consumer of interested) consumer.queue.push({ message: stored.message, count: 1, deferrals: 0 });
    // With no consumer that wants it, an interest stream keeps nothing (JetStream still gives it a sequence); a workqueue stream keeps it for the first.
    if (spec.retention === "interest" && interested.length === 0) this.streams.discard(stored.message);
    for (const { filter, listener } of this.#listeners) if (matchesPattern(subject, filter)) listener({ subject, headers, data });
    this.wake();
    return stored;
  }

  /** Store a dead letter on its dead-letter stream (once per message id); the message stored (the earlier one, for a duplicate). */
  storeDeadLetter(spec: StreamSpec, subject: string, headers: MsgHdrs, data: Uint8Array, id: string): RawMessage {
    return this.streams.append(spec.deadLetter.stream, subject, headers, data, id, { ...deadLetterLimits(spec), duplicateWindowMs: Number.POSITIVE_INFINITY }).message;
  }

  /**
   * Deliver a message of `spec`'s stream, published on `subject`, again to one durable consumer
   * only (a replayed dead letter): stored in the stream's replay stream (once per message id) and
   * queued for that consumer, or for its first subscription when it has none yet.
   */
  replay(spec: StreamSpec, durable: string, subject: string, headers: MsgHdrs, data: Uint8Array, id: string): { stream: string; seq: number } {
    const stream = replayOf(spec).stream;
    const { message, duplicate } = this.streams.append(stream, subject, headers, data, id, deadLetterLimits(spec));
    if (!duplicate) {
      const key = consumerKey(spec, durable);
      const delivery = { message, count: 1, deferrals: 0 };
      const consumer = this.#consumers.get(key);
      if (consumer === undefined) this.#pendingReplays.set(key, [...(this.#pendingReplays.get(key) ?? []), delivery]);
      else consumer.queue.push(delivery);
      this.wake();
    }
    return { stream, seq: message.seq };
  }

  /**
   * Run `target` under a durable consumer, created at first use: starting with every stored
   * message it filters (`all`) or only with new ones (`new`). Later uses keep the consumer's place
   * and take the newest filters, as a JetStream consumer update does.
   */
  join(stream: StreamSpec, durable: string, filters: readonly string[], deliverPolicy: DeliverPolicy, target: DeliveryTarget): MemoryConsumer {
    const key = consumerKey(stream, durable);
    let consumer = this.#consumers.get(key);
    if (stream.retention === "workqueue" && [...this.#consumers.values()].some((other) => other !== consumer && other.stream.name === stream.name && filtersOverlap(other.filters, filters))) {
      throw new WorkQueueConsumerError(stream.name, durable);
    }
    if (consumer === undefined) {
      consumer = new MemoryConsumer(this, stream, durable, filters);
      this.#consumers.set(key, consumer);
      if (deliverPolicy === "all") {
        for (const message of this.streams.list(stream.name)) if (consumer.accepts(message.subject)) consumer.queue.push({ message, count: 1, deferrals: 0 });
      }
      consumer.queue.push(...(this.#pendingReplays.get(key) ?? []));
      this.#pendingReplays.delete(key);
    }
    consumer.filters = filters;
    if (!consumer.targets.includes(target)) consumer.targets.push(target);
    this.wake();
    return consumer;
  }

  /** Stop running `target` under a consumer; its queue stays for the others, or for the next to join. */
  leave(consumer: MemoryConsumer, target: DeliveryTarget): void {
    const index = consumer.targets.indexOf(target);
    if (index >= 0) consumer.targets.splice(index, 1);
  }

  /** A consumer is done with a message: a workqueue stream lets it go; an interest stream once every consumer that wants it is done with it. */
  acknowledged(consumer: MemoryConsumer, message: RawMessage): void {
    const spec = consumer.stream;
    // A replayed dead letter is on the replay stream, which keeps its messages by its limits only.
    if (message.stream !== spec.name || spec.retention === "limits") return;
    if (spec.retention === "interest") {
      const done = this.#acknowledged.get(message) ?? new Set<MemoryConsumer>();
      done.add(consumer);
      this.#acknowledged.set(message, done);
      if (this.#interested(spec, message.subject).some((other) => !done.has(other))) return;
    }
    this.streams.discard(message);
  }

  /** The durable consumers of a stream that take a subject. */
  #interested(spec: StreamSpec, subject: string): MemoryConsumer[] {
    return [...this.#consumers.values()].filter((consumer) => consumer.stream.name === spec.name && consumer.accepts(subject));
  }

  /** Forget a durable consumer and its place. */
  remove(stream: StreamSpec, durable: string): void {
    this.#consumers.delete(consumerKey(stream, durable));
  }

  /** Hear every message published on a subject filter from now on, until the returned function is called. */
  listen(filter: string, listener: (message: HeardMessage) => void): () => void {
    if (filter === "") throw new ArgumentError("filter", "a subject or a pattern with NATS wildcards");
    const entry = { filter, listener };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /**
   * Resolve once every delivery that can be made has been handled: no handler is running, nothing
   * is queued for a running subscription, and no redelivery is pending (on a virtual clock they
   * come at once; on a real clock this waits for them). Deliveries queued for a stopped
   * subscription wait for its start and do not hold this up.
   */
  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.wake();
    });
  }

  /** Look for work on the next turn of the event loop. */
  wake(): void {
    if (this.#woken) return;
    this.#woken = true;
    setImmediate(() => {
      this.#woken = false;
      this.#pump();
    });
  }

  /** Hand queued deliveries to subscriptions that can take them; when there is nothing to run, let virtual time pass or tell who waits for `settled`. */
  #pump(): void {
    for (const consumer of this.#consumers.values()) {
      while (consumer.deliverable) {
        const target = consumer.next();
        if (target === undefined) break;
        const task = target.deliver(consumer.take() as Delivery, consumer);
        this.#inflight.add(task);
        void task.finally(() => {
          this.#inflight.delete(task);
          this.wake();
        });
      }
    }
    if (this.#inflight.size > 0) return;
    if (this.clock.mode === "virtual" && this.clock.advance()) {
      this.wake();
      return;
    }
    if (this.clock.pending > 0) return;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }

  /** Drop every pending timer, and let whoever waits for `settled` go. */
  close(): void {
    this.clock.clear();
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

/** Whether two consumers' subject filters take a subject in common (no filters: every subject). */
function filtersOverlap(a: readonly string[], b: readonly string[]): boolean {
  return a.length === 0 || b.length === 0 || a.some((left) => b.some((right) => patternsOverlap(left, right)));
}

/** The aggregate a delivery belongs to: its subject (one subject per aggregate; a replayed dead letter keeps its original subject). */
function aggregateKey(delivery: Delivery): string {
  return delivery.message.subject;
}

/** The key of a durable consumer on a stream. */
function consumerKey(stream: StreamSpec, durable: string): string {
  return `${stream.name}\u0000${durable}`;
}
