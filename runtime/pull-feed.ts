/**
 * The messages a subscription pulls from one durable consumer, kept alive until they are handled.
 *
 * JetStream starts a message's ack timer when it delivers the message, not when a handler starts
 * on it. NATS.js's `consume()` keeps up to `max_messages` messages in a buffer of its own that a
 * subscription cannot reach, so with slow handlers a message could wait there past the consumer's
 * `ack_wait`: the server then delivered it again, and it was handled twice, its delivery count
 * rising towards `max_deliver` without a single failure. A feed pulls instead with `fetch()`,
 * never asking for more than it has room for, and holds every message it was given in its own
 * queue until the subscription settles it, sending each one an in-progress ack (`working()`) every
 * third of `ack_wait` while it waits or runs.
 */
import type { Consumer, ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import { ClosedConnectionError } from "@nats-io/transport-node";

/** What a feed is told by the subscription that owns it. */
export interface PullFeedOptions {
  /** The most messages held at once: waiting for a handler, running, or asked for (exceeded only as `bridgeLeadMs` says). */
  readonly capacity: number;
  /** The consumer's `ack_wait`; held messages are kept alive every third of it. */
  readonly ackWaitMs: number;
  /** Told what the client reports about a pull (heartbeats missed, a consumer deleted, a failed pull). */
  readonly onStatus: (status: string, data: unknown) => void;
  /** Open a pull's successor before the pull expires, as servers before 2.10.16 need (see `bridgeLeadMs`). */
  readonly bridgeExpiries: boolean;
}

/**
 * How long one pull waits on the server for messages. Short, because what a stopped feed hands back
 * waits until its pulls have expired on the server (see `handBackMs`).
 */
export const pullExpiresMs = 5_000;

/**
 * How long before a pull expires the feed opens its successor, when it bridges expiries.
 * nats-server before 2.10.16 takes a redelivery that falls due off its queue whenever the
 * consumer's waiting list holds a pull; when every pull there has expired (the server removes an
 * expired pull, and sends it a 408, on a timer at its expiry) or was stopped, the redelivery is
 * lost until the ack wait runs out, and the consumer's latest new message comes a second time
 * (consumer.go `loopAndGatherMsgs`: `nextWaiting` returns nil, and only `o.sseq` is wound back;
 * nats-server#5305 and #5338). A successor opened before the pull expires keeps a valid pull in that list.
 * It asks for what the pull still waits for, and only while that pull is the only one open for
 * its room; so for this long the room is asked for twice, and the feed can be delivered, beyond its
 * capacity, up to what the bridged pulls asked for (it holds and keeps those alive as any other).
 */
export const bridgeLeadMs = 1_000;

/** Added to a stopped pull's expiry for the time its request took to reach the server. */
const expiryMarginMs = 250;

/** Pause after a pull failed (the consumer is gone, the connection is down) before the next. */
const retryPauseMs = 1_000;

/** Room a feed asked for in one pull, shared with the pulls that bridge its expiries. */
interface Ask {
  /** Messages asked for and not yet delivered. */
  left: number;
  /** Pulls open for it. */
  open: number;
}

/** Messages pulled from one consumer, in order, each kept alive from delivery until `done`. */
export class PullFeed {
  readonly #consumer: Consumer;
  readonly #options: PullFeedOptions;
  /** Delivered, not yet taken by the subscription. */
  readonly #queue: JsMsg[] = [];
  /** Delivered and not yet settled: queued, waiting for a handler slot, or running. */
  readonly #held = new Set<JsMsg>();
  readonly #pulls = new Set<ConsumerMessages>();
  readonly #takers: ((message: JsMsg | undefined) => void)[] = [];
  readonly #keepAlive: ReturnType<typeof setInterval>;
  /** Messages asked for in open pulls and not yet delivered. */
  #asked = 0;
  /** Pulls open, or being opened; with bridged expiries, one can be open with nothing asked for left. */
  #open = 0;
  #pausedUntil = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** When the last pull was asked for. */
  #lastPullAt = 0;
  /** Once stopped: until when a pull it asked for may still be open on the server (epoch ms). */
  #openUntil = 0;

  constructor(consumer: Consumer, options: PullFeedOptions) {
    this.#consumer = consumer;
    this.#options = options;
    this.#keepAlive = setInterval(() => this.#touch(), Math.max(1, Math.floor(options.ackWaitMs / 3)));
    this.#keepAlive.unref();
    this.#pull();
  }

  /** The next delivered message, held until `done`, when one is waiting; undefined when none is. */
  poll(): JsMsg | undefined {
    return this.#queue.shift();
  }

  /** The next delivered message, held until `done`, waiting for one; undefined once the feed is stopped. */
  take(): Promise<JsMsg | undefined> {
    const message = this.#queue.shift();
    if (message !== undefined || this.#stopped) return Promise.resolve(message);
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** The subscription settled a message it took (acknowledged, handed back or terminated): it is no longer kept alive, and its room is pulled for. */
  done(message: JsMsg): void {
    this.#held.delete(message);
    this.#pull();
  }

  /**
   * Pull no more; the messages delivered and not taken are handed back for the server to deliver
   * again once the pulls it stopped have expired on the server (`handBackMs`). Taken ones stay held
   * until `done`, and are to be handed back after as long.
   */
  stop(): void {
    if (this.#stopped) return;
    for (const message of this.#end()) message.nak(this.handBackMs());
  }

  /**
   * How long a message of this feed handed back now must wait before the server delivers it again:
   * 0 while the feed pulls; once it is stopped, until the pulls it asked for have expired on the
   * server. A stopped pull stays in the consumer's waiting list until the server next goes through
   * it, and nats-server before 2.10.16 drops a redelivery that falls due while that list holds only
   * stopped or expired pulls (nats-server#5305): it comes after the ack wait, and the consumer's
   * latest message comes a second time.
   */
  handBackMs(): number {
    return this.#stopped ? Math.max(0, this.#openUntil - Date.now()) : 0;
  }

  /** Stop pulling and waiting; returns the messages delivered and not taken, no longer held. */
  #end(): JsMsg[] {
    this.#stopped = true;
    if (this.#open > 0) this.#openUntil = this.#lastPullAt + pullExpiresMs + expiryMarginMs;
    clearTimeout(this.#retry);
    for (const pull of this.#pulls) pull.stop();
    const untaken = this.#queue.splice(0);
    for (const message of untaken) this.#held.delete(message);
    for (const taker of this.#takers.splice(0)) taker(undefined);
    if (this.#held.size === 0) clearInterval(this.#keepAlive);
    return untaken;
  }

  /** Open a pull for the room there is, when it is at least half of the capacity (or nothing is asked for yet): fewer, larger pulls cost less. */
  #pull(): void {
    if (this.#stopped) {
      if (this.#held.size === 0) clearInterval(this.#keepAlive);
      return;
    }
    const room = this.#options.capacity - this.#held.size - this.#asked;
    if (room <= 0 || (this.#asked > 0 && room < Math.ceil(this.#options.capacity / 2))) return;
    const wait = this.#pausedUntil - Date.now();
    if (wait > 0) {
      this.#retry ??= setTimeout(() => {
        this.#retry = undefined;
        this.#pull();
      }, wait);
      return;
    }
    this.#asked += room;
    void this.#run({ left: room, open: 0 });
  }

  /**
   * One pull for what `ask` still waits for: each delivered message joins the queue; the unused
   * room is freed when the last pull open for it ends.
   */
  async #run(ask: Ask): Promise<void> {
    ask.open++;
    this.#open++;
    this.#lastPullAt = Date.now();
    let bridge: ReturnType<typeof setTimeout> | undefined;
    try {
      const pull = await this.#consumer.fetch({ max_messages: ask.left, expires: pullExpiresMs });
      // Stopped while the pull was being opened: it ends at once, and whatever it already got is handed back.
      if (this.#stopped) pull.stop();
      this.#pulls.add(pull);
      void this.#watch(pull);
      if (this.#options.bridgeExpiries) {
        bridge = setTimeout(() => {
          if (!this.#stopped && ask.left > 0 && ask.open === 1) void this.#run(ask);
        }, pullExpiresMs - bridgeLeadMs);
        bridge.unref();
      }
      try {
        for await (const message of pull) {
          if (ask.left > 0) {
            ask.left--;
            this.#asked--;
          }
          this.#deliver(message);
        }
      } finally {
        this.#pulls.delete(pull);
      }
    } catch (error) {
      this.#options.onStatus("pull_failed", (error as Error).message);
      // A closed connection will not come back: the feed ends, as NATS.js's consume() does.
      if (error instanceof ClosedConnectionError) this.#end();
      this.#pausedUntil = Date.now() + retryPauseMs;
    } finally {
      clearTimeout(bridge);
      ask.open--;
      this.#open--;
      if (ask.open === 0) {
        this.#asked -= ask.left;
        ask.left = 0;
      }
      this.#pull();
    }
  }

  #deliver(message: JsMsg): void {
    if (this.#stopped) {
      message.nak(this.handBackMs());
      return;
    }
    this.#held.add(message);
    const taker = this.#takers.shift();
    if (taker === undefined) this.#queue.push(message);
    else taker(message);
  }

  async #watch(pull: ConsumerMessages): Promise<void> {
    for await (const status of pull.status()) {
      if (status.type !== "next") this.#options.onStatus(status.type, "data" in status ? status.data : undefined);
    }
  }

  /** Reset the ack timer of every held message: JetStream does not deliver it again while the subscription has it. */
  #touch(): void {
    // NATS.js writes an acknowledgement to the protocol's buffer, which never refuses: on a closed connection it is dropped, and the server delivers the message again.
    for (const message of this.#held) message.working();
  }
}
