/**
 * JetStream publishes whose acks come back on one wildcard inbox of the connection, matched by
 * token, with one sweeping timer for their deadlines: the wire work of `js.publish` (a PUB with a
 * reply subject, the stream's ack back), without the request object, timer, promise and error
 * NATS.js builds for each request. The ack's errors are NATS.js's own (`JetStreamApiError`), a
 * publish without a stream is `NoStreamResponseError`, a missing ack `AckTimeoutError`, a publish
 * the server's permissions refuse its `PermissionViolationError`.
 */
import { JetStreamApiError, type PubAck } from "@nats-io/jetstream";
import { ClosedConnectionError, createInbox, PermissionViolationError, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { ContractError } from "./errors.js";

/** Thrown when the stream's ack of a publish does not arrive in time; the event may have been stored. */
export class AckTimeoutError extends ContractError {
  constructor(subject: string, timeoutMs: number) {
    super(`no ack from the stream for a publish to "${subject}" within ${timeoutMs} ms`);
    this.name = "AckTimeoutError";
  }
}

/** Thrown when no stream answered a publish: no stream holds the subject, or JetStream on the server is not available (yet). */
export class NoStreamResponseError extends ContractError {
  constructor(subject: string) {
    super(`no stream answered the publish to "${subject}": no stream holds the subject, or JetStream is not available on the server (yet); provision the topology (evc provision, or connect with provision on)`);
    this.name = "NoStreamResponseError";
  }
}

/** Thrown when the stream's answer to a publish is not an ack. */
export class InvalidAckError extends ContractError {
  constructor(subject: string, detail: string) {
    super(`the answer to the publish to "${subject}" is not a JetStream ack: ${detail}`);
    this.name = "InvalidAckError";
  }
}

interface Pending {
  readonly subject: string;
  readonly timeoutMs: number;
  readonly deadline: number;
  readonly resolve: (ack: PubAck) => void;
  readonly reject: (error: Error) => void;
}

/** How often the deadlines of the publishes awaiting their acks are checked, in milliseconds. */
const sweepEveryMs = 50;

const decoder = new TextDecoder();

/** Publishes to JetStream on one connection and awaits their acks on a shared inbox. */
export class AckInbox {
  readonly #nc: NatsConnection;
  readonly #inboxPrefix: string | undefined;
  readonly #pending = new Map<string, Pending>();
  #prefix = "";
  #subscription: Subscription | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #next = 0;
  #watching = false;

  /** `inboxPrefix`: the connection's own inbox prefix, when its permissions require one. */
  constructor(nc: NatsConnection, inboxPrefix?: string) {
    this.#nc = nc;
    this.#inboxPrefix = inboxPrefix;
  }

  /** Publish `body` with `headers` to `subject` and resolve with the stream's ack, or reject within about `timeoutMs`. */
  publish(subject: string, body: Uint8Array, headers: MsgHdrs, timeoutMs: number): Promise<PubAck> {
    return new Promise<PubAck>((resolve, reject) => {
      const token = (this.#next++).toString(36);
      try {
        const reply = this.#inbox() + token;
        this.#pending.set(token, { subject, timeoutMs, deadline: performance.now() + timeoutMs, resolve, reject });
        this.#startSweeping();
        this.#nc.publish(subject, body, { headers, reply });
      } catch (error) {
        // Not sent (a closed or draining connection): nothing waits for an ack.
        this.#pending.delete(token);
        reject(error as Error);
      }
    });
  }

  /** The inbox prefix the acks come back on, subscribing on first use (and again after the subscription failed). */
  #inbox(): string {
    if (this.#subscription === undefined) {
      this.#prefix = `${createInbox(this.#inboxPrefix)}.`;
      this.#subscription = this.#nc.subscribe(`${this.#prefix}*`, { callback: (error, message) => (error === null ? this.#settle(message) : this.#fail(error)) });
      this.#watchConnection();
    }
    return this.#prefix;
  }

  #settle(message: Msg): void {
    const token = message.subject.slice(this.#prefix.length);
    const pending = this.#pending.get(token);
    if (pending === undefined) return; // an ack after its deadline: the retry with the same id gets it as a duplicate
    this.#pending.delete(token);
    const outcome = replyOutcome(pending.subject, message);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  /** The inbox subscription failed (its permission was refused): fail what waits on it, and subscribe again on the next publish. */
  #fail(error: Error): void {
    this.#subscription = undefined;
    this.#rejectWhere(() => true, error);
  }

  /** Fail the publishes a refused publish permission or a closed connection leaves without an ack. */
  #watchConnection(): void {
    if (this.#watching) return;
    this.#watching = true;
    void this.#nc.closed().then(() => this.#rejectWhere(() => true, new ClosedConnectionError()));
    void (async () => {
      for await (const status of this.#nc.status()) {
        const error = status.type === "error" ? status.error : undefined;
        if (error instanceof PermissionViolationError && error.operation === "publish") this.#rejectWhere((pending) => pending.subject === error.subject, error);
      }
    })();
  }

  #rejectWhere(matches: (pending: Pending) => boolean, error: Error): void {
    for (const [token, pending] of this.#pending) {
      if (!matches(pending)) continue;
      this.#pending.delete(token);
      pending.reject(error);
    }
  }

  #startSweeping(): void {
    if (this.#sweeper !== undefined) return;
    this.#sweeper = setInterval(() => this.#sweep(), sweepEveryMs);
    this.#sweeper.unref();
  }

  #sweep(): void {
    const now = performance.now();
    for (const [token, pending] of this.#pending) {
      if (pending.deadline > now) continue;
      this.#pending.delete(token);
      pending.reject(new AckTimeoutError(pending.subject, pending.timeoutMs));
    }
    if (this.#pending.size === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }
}

/** The ack a reply carries, or the error it reports. */
function replyOutcome(subject: string, message: Msg): PubAck | Error {
  if (message.data.length === 0) {
    return message.headers?.code === 503 ? new NoStreamResponseError(subject) : new InvalidAckError(subject, `an empty reply${message.headers === undefined ? "" : ` with status ${message.headers.code} ${message.headers.description}`}`);
  }
  let reply: { stream?: unknown; seq?: unknown; duplicate?: unknown; domain?: unknown; error?: { code: number; err_code?: number; description: string } };
  try {
    reply = JSON.parse(decoder.decode(message.data)) as typeof reply;
  } catch (error) {
    return new InvalidAckError(subject, `not JSON (${(error as Error).message})`);
  }
  if (reply.error !== undefined) return new JetStreamApiError({ err_code: 0, ...reply.error });
  if (typeof reply.stream !== "string" || reply.stream === "" || typeof reply.seq !== "number") return new InvalidAckError(subject, "no stream and sequence");
  return { stream: reply.stream, seq: reply.seq, duplicate: reply.duplicate === true, domain: typeof reply.domain === "string" ? reply.domain : "" };
}
