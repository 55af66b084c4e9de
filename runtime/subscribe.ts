/**
 * Subscriptions: a durable pull consumer per stream the matching event types live on, and one of
 * the same name on the stream's replay stream, filtered to the dead letters replayed to it;
 * both dispatch on the type and version in the headers. Each message is decoded, validated, upcast to the
 * version the handler asks for, handed to the handler, and acknowledged on success. A failing
 * handler is retried with backoff (`nak` with a delay) until the delivery limit, then the message
 * is dead-lettered; a message that can never succeed (or a `PermanentFailure`) is dead-lettered at
 * once; a failure category's policy may change the retries, or dead-letter or discard at once. Nothing that goes
 * wrong with one message stops the loop. `stop()` drains: no new messages, in-flight handlers
 * finish, messages already buffered are handed back to the server.
 */
import { HandlerTimeoutError } from "./handler-deadline.js";
import type { ConsumerConfig, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { AggregateLanes, type AggregateLane } from "./aggregate-lanes.js";
import { deadLetter, type DeadLetter } from "./dead-letter.js";
import type { DeliveredMessage } from "./delivery-context.js";
import { judgeFailure, mostDeliveries } from "./failure-policy.js";
import { Header, messageHeaders, readHeader } from "./headers.js";
import type { SubscriptionNotification } from "./notifications.js";
import { InterruptiblePauses } from "./interruptible-pauses.js";
import { isNotFound, isWorkQueueOverlap } from "./jetstream-errors.js";
import { PullFeed } from "./pull-feed.js";
import { WorkQueueConsumerError } from "./retention.js";
import { ensureConsumer } from "./provision.js";
import { consumerFilter, type ReceivedEvent } from "./routing.js";
import { supports, type ServerVersion } from "./server-features.js";
import { setTimeout as sleep } from "node:timers/promises";
import { replayOf, type StreamSpec } from "./topology.js";
import { BoundedCounts } from "./bounded-counts.js";
import { ackWaitOf, deferralLimit, type EventHandler, type SubscribeOptions } from "./subscribe-options.js";
import { SubscriptionCore, type SubscriptionCoreHost } from "./subscription-core.js";

/** How many messages a subscription remembers deferrals and dead-letter attempts of (the oldest are forgotten first). */
const countsKept = 10_000;

/** Failed writes of a dead letter before the message is terminated without one. */
export const deadLetterAttempts = 3;

/** What a subscription needs of the bus. */
export interface SubscriptionHost extends SubscriptionCoreHost {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly server: ServerVersion;
  /** Resolve once the server has everything sent so far (a round trip). */
  readonly flush: () => Promise<void>;
  /** The largest message the server accepts, headers included. */
  readonly maxPayload: () => number;
}

/** A running subscription. */
export class Subscription {
  /** The event types or patterns subscribed to, joined by ", ". */
  readonly pattern: string;
  readonly options: SubscribeOptions;
  /** Resolves when the subscription has stopped and every handler has finished. */
  readonly closed: Promise<void>;
  readonly #host: SubscriptionHost;
  readonly #core: SubscriptionCore;
  readonly #feeds: PullFeed[] = [];
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #waiting: (() => void)[] = [];
  readonly #acks = new AckBatch();
  /** Redeliveries that an open circuit caused, by stream and sequence: they do not count against `maxDeliver`. */
  readonly #deferrals = new BoundedCounts(countsKept);
  /** Failed dead-letter writes, by stream and sequence. */
  readonly #deadLetterFailures = new BoundedCounts(countsKept);
  /** The messages held, by aggregate, in a subscription in aggregate order; undefined in one that is not. */
  readonly #lanes: AggregateLanes<JsMsg> | undefined;
  /** Retries waiting in place (aggregate order), ended early by a drain. */
  readonly #pauses = new InterruptiblePauses();
  #running = 0;
  #draining = false;
  /** While it drains: until when the pulls it stopped may still be open on the server (epoch ms); what it hands back waits until then. */
  #handBackUntil = 0;
  #loops: Promise<void>[] = [];

  /** Use `EventBus.subscribe`. */
  constructor(host: SubscriptionHost, patterns: readonly string[], handler: EventHandler, options: SubscribeOptions) {
    this.#host = host;
    this.#core = new SubscriptionCore(host, patterns, handler, options);
    this.pattern = this.#core.pattern;
    this.options = options;
    this.closed = this.#core.closed;
    this.#lanes = options.ordering === "aggregate" ? new AggregateLanes() : undefined;
  }

  /** Iterate what happens to messages from now on: failures, retries, dead letters. */
  status(): AsyncIterable<SubscriptionNotification> {
    return this.#core.notifier.listen();
  }

  /** Create or update the durable consumers and start consuming (again, after `drain`). */
  async start(): Promise<void> {
    if (this.#loops.length > 0) return;
    this.#draining = false;
    const consumers: { spec: StreamSpec; stream: string; subjectOf: (message: JsMsg) => string }[] = [];
    for (const [spec, contracts] of this.#core.streams) {
      try {
        await ensureConsumer(this.#host.jsm, spec.name, { ...this.#consumerConfig(spec), deliver_policy: this.options.deliverPolicy, ...consumerFilter(contracts, this.#host.server) });
      } catch (error) {
        if (isWorkQueueOverlap(error)) throw new WorkQueueConsumerError(spec.name, this.options.durable, { cause: error });
        throw error;
      }
      const replay = replayOf(spec);
      const prefix = `${replay.subjectPrefix}.${this.options.durable}.`;
      await ensureConsumer(this.#host.jsm, replay.stream, { ...this.#consumerConfig(spec), deliver_policy: "all", filter_subject: `${prefix}>` });
      consumers.push({ spec, stream: spec.name, subjectOf: (message) => message.subject }, { spec, stream: replay.stream, subjectOf: (message) => message.subject.slice(prefix.length) });
    }
    for (const { spec, stream, subjectOf } of consumers) {
      const consumer = await this.#host.js.consumers.get(stream, this.options.durable);
      const feed = new PullFeed(consumer, {
        // Messages ahead of the handlers, beside those the handlers run.
        capacity: this.options.prefetch + this.options.concurrency,
        ackWaitMs: ackWaitOf(this.options, spec),
        onStatus: (status, data) => this.#core.notifier.emit({ type: "consumer_status", status, data }),
        bridgeExpiries: !supports(this.#host.server, "redeliveryAtPullExpiry"),
      });
      this.#feeds.push(feed);
      this.#loops.push(this.#consume(spec, feed, subjectOf));
    }
  }

  /** Stop consuming, let in-flight handlers finish and their acks reach the server, hand buffered messages back; `start` resumes. */
  async drain(): Promise<void> {
    this.#draining = true;
    this.#pauses.interrupt();
    const feeds = this.#feeds.splice(0);
    for (const feed of feeds) feed.stop();
    this.#handBackUntil = Date.now() + Math.max(0, ...feeds.map((feed) => feed.handBackMs()));
    await Promise.all(this.#loops.splice(0));
    await Promise.all([...this.#inflight]);
    this.#acks.flush();
    // A closed connection loses the acks; the server then redelivers (at least once), so there is nothing to report.
    await this.#host.flush().catch(() => undefined);
  }

  /** Drain and end the subscription for good: `closed` resolves and `status()` iterators end. */
  async stop(): Promise<void> {
    await this.drain();
    return this.#core.end();
  }

  /**
   * Stop, then delete the durable consumers (on the streams and their replay streams), so that the
   * server forgets the subscription's position, and the dead letters replayed to it: a replay consumer
   * made again under the same name starts at the first of them, and would hand them to a handler again.
   */
  async remove(): Promise<void> {
    await this.stop();
    for (const stream of this.#consumerStreams()) {
      try {
        await this.#host.jsm.consumers.delete(stream, this.options.durable);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    for (const spec of this.#core.streams.keys()) {
      const replay = replayOf(spec);
      try {
        await this.#host.jsm.streams.purge(replay.stream, { filter: `${replay.subjectPrefix}.${this.options.durable}.>` });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }

  /**
   * Wait until its consumers hold nothing for it: none of their messages pending, none delivered and
   * unacknowledged (those a process that died had pulled come again after the ack wait). For at most
   * the longest ack wait of its streams and a second, or until it drains; true when they held nothing.
   */
  async caughtUp(): Promise<boolean> {
    const until = Date.now() + Math.max(...[...this.#core.streams.keys()].map((spec) => ackWaitOf(this.options, spec))) + 1_000;
    while (!this.#draining && Date.now() < until) {
      const infos = await Promise.all(this.#consumerStreams().map((stream) => this.#host.jsm.consumers.info(stream, this.options.durable)));
      if (infos.every((info) => info.num_pending === 0 && info.num_ack_pending === 0)) return true;
      await sleep(50);
    }
    return false;
  }

  /** The streams its durable consumers read: each stream of its events and that stream's replay stream. */
  #consumerStreams(): string[] {
    return [...this.#core.streams.keys()].flatMap((spec) => [spec.name, replayOf(spec).stream]);
  }

  /** What the subscription's consumers on a stream and on its replay stream share. */
  #consumerConfig(spec: StreamSpec): Partial<ConsumerConfig> & { durable_name: string } {
    return {
      durable_name: this.options.durable,
      description: `evc subscription to "${this.pattern}"`,
      ack_policy: "explicit",
      ack_wait: nanos(ackWaitOf(this.options, spec)),
      max_deliver: mostDeliveries(spec, this.options.maxDeliver ?? spec.consumer.maxDeliver) + deadLetterAttempts + deferralLimit,
      max_ack_pending: spec.consumer.maxAckPending,
    };
  }

  async #consume(spec: StreamSpec, feed: PullFeed, subjectOf: (message: JsMsg) => string): Promise<void> {
    for (;;) {
      // A waiting message is taken without a promise; only an empty queue waits.
      const taken = feed.poll() ?? (await feed.take());
      if (taken === undefined) return;
      this.#host.telemetry.backlog(this.options.durable, taken.info.stream, taken.info.pending);
      if (this.#lanes !== undefined) {
        this.#queueInLane(this.#lanes, spec, feed, taken, subjectOf(taken));
        continue;
      }
      const slot = this.#slot();
      if (slot !== undefined) await slot;
      if (this.#draining) {
        // It waited for a handler slot while the subscription began to drain: hand it back.
        this.#release();
        this.#handBack(taken, 0);
        feed.done(taken);
        continue;
      }
      this.#track(
        this.#handle(spec, taken, subjectOf(taken), 0).finally(() => {
          feed.done(taken);
          this.#release();
        }),
      );
    }
  }

  /** Queue a message behind the earlier ones of its aggregate (`ordering: "aggregate"`), and start on its lane when it was idle. */
  #queueInLane(lanes: AggregateLanes<JsMsg>, spec: StreamSpec, feed: PullFeed, message: JsMsg, subject: string): void {
    // By subject alone: a replayed dead letter (from the replay stream) waits its turn with the live events of its aggregate.
    const lane = lanes.queue(subject, message);
    if (lane !== undefined) this.#track(this.#driveLane(lane, spec, feed, subject));
  }

  /**
   * Handle a lane's messages one at a time, in stream order, each retried in place until it is
   * settled. Once the subscription drains, the rest of the lane is handed back in order, after the
   * pause its head still had to wait, so that the server delivers them after it. (Not before the
   * pulls this subscription stopped have expired: see `PullFeed.handBackMs`.) Events of the
   * aggregate it never pulled may come before them: JetStream delivers new messages beside ones
   * waiting to be delivered again.
   */
  async #driveLane(lane: AggregateLane<JsMsg>, spec: StreamSpec, feed: PullFeed, subject: string): Promise<void> {
    let handBackMs = 0;
    for (let message = lane.head(); message !== undefined; message = lane.next()) {
      try {
        if (this.#draining) handBackMs = this.#handBack(message, handBackMs);
        else handBackMs = await this.#handleInPlace(spec, message, subject);
      } finally {
        feed.done(message);
      }
    }
  }

  /**
   * Handle a message, waiting out each retry in place, until it is settled (0), or handed back
   * because the subscription drains (before or during its pause): it then comes again after the
   * pause it had left, which is returned.
   */
  async #handleInPlace(spec: StreamSpec, message: JsMsg, subject: string): Promise<number> {
    for (let redeliveries = 0; ; redeliveries++) {
      const slot = this.#slot();
      if (slot !== undefined) await slot;
      let pauseMs: number | undefined;
      try {
        if (this.#draining) return this.#handBack(message, 0);
        pauseMs = await this.#handle(spec, message, subject, redeliveries);
      } finally {
        this.#release();
      }
      if (pauseMs === undefined) return 0;
      // A drain that began while the handler ran hands the message back at once, as one that ends the pause does.
      const leftMs = this.#draining ? pauseMs : await this.#pauses.wait(pauseMs);
      // The later events of its lane are handed back for as long as it was, so that they come after it.
      if (leftMs > 0) return this.#handBack(message, leftMs);
    }
  }

  /** Count a task among those `drain` waits for. */
  #track(task: Promise<unknown>): void {
    this.#inflight.add(task);
    void task.finally(() => this.#inflight.delete(task));
  }

  /**
   * Handle one delivery of a message, which `redeliveries` earlier tries in place preceded. A retry
   * hands the message back to the server with its delay, or, for a subscription in aggregate order,
   * returns the delay to wait before trying again in place; undefined once the message is settled.
   */
  async #handle(spec: StreamSpec, message: JsMsg, subject: string, redeliveries: number): Promise<number | undefined> {
    const delivered = redeliveries === 0 ? message : triedAgain(message, redeliveries);
    const headers = messageHeaders(message);
    let received: ReceivedEvent | undefined;
    try {
      received = this.#core.receive(subject, headers, message.data);
    } catch (error) {
      this.#core.notifier.emit({ type: "invalid_event", error: error as Error, subject, streamSeq: message.info.streamSequence });
      return this.#deadLetter(spec, message, delivered, subject, error as Error, true, undefined);
    }
    if (received === undefined) {
      this.#acks.add(message);
      return undefined;
    }
    const type = received.contract.type;
    const opened = this.#core.whileOpen(spec, received, delivered, subject, headers);
    const open = opened instanceof Promise ? await opened : opened;
    if (open === "handled") {
      this.#acks.add(message);
      return undefined;
    }
    if (open !== undefined) {
      this.#deferrals.increment(keyOf(message));
      return this.#later(message, open.deferMs);
    }
    const run = await this.#core.run(spec, received, delivered, subject, headers);
    if (run.error instanceof HandlerTimeoutError) {
      // A handler past its deadline may still be running: in aggregate order the next handling of its
      // aggregate (this event's retry, or the next event) waits for it; a drain waits for a grace.
      if (this.#lanes !== undefined) await run.error.handlerEnded();
      else this.#track(run.error.handlerEnded(run.error.timeoutMs));
    }
    if (run.error === undefined) {
      this.#core.breaker?.success();
      if (this.#deferrals.size > 0) this.#deferrals.delete(keyOf(message));
      this.#acks.add(message);
      this.#host.telemetry.consumed(type, this.options.durable, "handled", run.seconds);
      return undefined;
    }
    const key = keyOf(message);
    const deliveries = delivered.info.deliveryCount - this.#deferrals.get(key);
    const decision = judgeFailure(this.#core.breaker, spec, type, run.error, deliveries, this.options);
    if (decision.action !== "retry") {
      this.#deferrals.delete(key);
      if (decision.action === "discard") {
        this.#discard(message, delivered, subject, run.error, decision.category, run.seconds);
        return undefined;
      }
      return this.#deadLetter(spec, message, delivered, subject, run.error, !decision.retried, run.seconds, decision.category);
    }
    const delay = decision.delayMs;
    this.#host.telemetry.consumed(type, this.options.durable, "retried", run.seconds);
    this.#core.notifier.emit({ type: "handler_failed", error: run.error, eventType: type, deliveryCount: deliveries, retryInMs: delay });
    return this.#later(message, delay);
  }

  /** Have a message come again after `delayMs`: handed back to the server, or, in aggregate order, the delay returned for a retry in place. */
  #later(message: JsMsg, delayMs: number): number | undefined {
    if (this.#lanes !== undefined) return delayMs;
    this.#handBack(message, delayMs);
    return undefined;
  }

  /**
   * Hand a message back for the server to deliver again after `delayMs`; while the subscription
   * drains, not before the pulls it stopped have expired on the server (see `PullFeed.handBackMs`).
   */
  #handBack(message: JsMsg, delayMs: number): number {
    const delay = this.#draining ? Math.max(delayMs, this.#handBackUntil - Date.now()) : delayMs;
    message.nak(delay);
    return delay;
  }

  /**
   * Copy a message to the dead-letter stream and terminate it. When the copy fails, the message
   * comes back a second later for another try (see `#later`); after `deadLetterAttempts` failed tries it is
   * terminated without a copy (it stays in its stream), counted as `dropped`.
   */
  async #deadLetter(spec: StreamSpec, message: JsMsg, delivered: DeliveredMessage, subject: string, error: Error, poison: boolean, seconds: number | undefined, category?: string): Promise<number | undefined> {
    const deliveries = delivered.info.deliveryCount;
    const cause = { reason: error.message, error: error.name, poison, deliveries, consumer: this.options.durable, category };
    const type = this.#metricType(message);
    const key = keyOf(message);
    let letter: DeadLetter;
    try {
      letter = await deadLetter(this.#host.js, spec, delivered, subject, cause, this.#host.maxPayload());
    } catch (failure) {
      const attempt = this.#deadLetterFailures.increment(key);
      const terminated = attempt >= deadLetterAttempts;
      this.#core.notifier.emit({ type: "dead_letter_failed", error: failure as Error, subject, streamSeq: message.info.streamSequence, attempt, terminated });
      if (!terminated) return this.#later(message, 1_000);
      this.#deadLetterFailures.delete(key);
      message.term();
      this.#host.telemetry.consumed(type, this.options.durable, "dropped", seconds);
      return undefined;
    }
    this.#deadLetterFailures.delete(key);
    message.term();
    this.#host.telemetry.consumed(type, this.options.durable, "dead_lettered", seconds);
    this.#core.notifier.emit({ type: "dead_lettered", reason: cause.reason, poison, category, subject, streamSeq: message.info.streamSequence, deliveryCount: deliveries, letter });
    return undefined;
  }

  /** Terminate a failed message without a dead letter, as its category's policy says. */
  #discard(message: JsMsg, delivered: DeliveredMessage, subject: string, error: Error, category: string | undefined, seconds: number | undefined): void {
    message.term();
    this.#host.telemetry.consumed(this.#metricType(message), this.options.durable, "discarded", seconds);
    this.#core.notifier.emit({ type: "discarded", reason: error.message, category, subject, streamSeq: message.info.streamSequence, deliveryCount: delivered.info.deliveryCount });
  }

  /** The type label of a message's metrics: its announced type when the registry knows it, else `unknown` (a label never takes arbitrary text). */
  #metricType(message: JsMsg): string {
    const type = readHeader(messageHeaders(message), Header.type);
    return type !== undefined && this.#host.registry.versions(type).length > 0 ? type : "unknown";
  }

  /** Take a handler slot: at once when one is free, else when `#release` hands one over. */
  #slot(): Promise<void> | undefined {
    if (this.#running < this.options.concurrency) {
      this.#running++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#running--;
  }
}

/** A message as a handler sees it on its try in place after `redeliveries` earlier ones: its delivery count counts them. */
function triedAgain(message: JsMsg, redeliveries: number): DeliveredMessage {
  const { stream, streamSequence, deliveryCount } = message.info;
  return { subject: message.subject, headers: message.headers, data: message.data, info: { stream, streamSequence, deliveryCount: deliveryCount + redeliveries } };
}

/** A message's key in a subscription's memory: its stream and sequence. */
function keyOf(message: JsMsg): string {
  return `${message.info.stream}:${message.info.streamSequence}`;
}

/**
 * Acknowledgements of handled messages, sent together once the messages at hand are handled (on
 * the next turn of the event loop): NATS.js writes to the socket once per batch of commands issued
 * in one turn, so acknowledging as each handler returns costs one write per message.
 */
class AckBatch {
  #pending: JsMsg[] = [];
  #scheduled = false;

  /** Acknowledge a message on the next turn of the event loop. */
  add(message: JsMsg): void {
    this.#pending.push(message);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Acknowledge every pending message now. */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    for (const message of batch) message.ack();
  }
}
