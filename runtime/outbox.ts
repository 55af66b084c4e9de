/**
 * A transactional outbox on PostgreSQL (the `pg` client, an optional peer of the runtime: this module
 * imports only its types). A service writes its rows and its events in one transaction:
 * `outbox.enqueue(client, event)` validates the event against its contract and inserts it with the
 * caller's client, so the event commits or rolls back with the rows. A relay publishes committed
 * events in the order they were written, with the event id as `Nats-Msg-Id` (through the bus's own
 * `publish`), and marks them sent. A relay killed between publishing and marking publishes those
 * events again when it (or another) comes back, and JetStream's duplicate window stores them once.
 * One relay per table publishes at a time, holding a PostgreSQL advisory lock for its session;
 * others wait as standbys and take over when that session ends, so relays never interleave.
 */
import { context } from "@opentelemetry/api";
import type { Pool, PoolClient, QueryResult, QueryResultRow } from "pg";
import { setTimeout as sleep } from "node:timers/promises";
import type { EventBus } from "./bus.js";
import type { JsonObject } from "./codegen.js";
import { ArgumentError, ContractError, ValidationError } from "./errors.js";
import { Notifier } from "./notifications.js";
import { defaultMaxPayload, PayloadTooLargeError, resolvePlainEvent, type PublishAck, type Publishable, type ReadyEvent } from "./publish.js";
import type { Registry } from "./registry.js";
import { subjectOf } from "./subject.js";
import { activeTrace, incomingContext } from "./trace.js";
import { requireNumberOptions, withDefaults } from "./argument-checks.js";

/** What the outbox needs of a `pg` connection: a `PoolClient` or `Client` inside the caller's transaction, or a `Pool` outside one. */
export interface SqlClient {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** Options of an outbox; `defaultOutboxOptions()` has the defaults. */
export interface OutboxOptions {
  /** The outbox table, optionally schema-qualified (`evc_outbox`, `billing.outbox`); `install` creates it. */
  readonly table: string;
  /** The largest event body the relay's server takes (its `max_payload`, 1 MiB unless configured otherwise): a larger one is refused at enqueue. */
  readonly maxPayload: number;
}

/** Options of a relay; `defaultRelayOptions()` has the defaults. */
export interface RelayOptions {
  /** Events read, published (pipelined, in order) and marked per round. */
  readonly batchSize: number;
  /** The pause when nothing is pending. */
  readonly idleMs: number;
  /** How often a standby relay tries to take over. */
  readonly standbyMs: number;
  /** The pause after a failed round (a lost connection, an unacknowledged publish) before the next. */
  readonly retryMs: number;
}

/** The default outbox: table `evc_outbox` in the connection's search path, events up to 1 MiB. */
export function defaultOutboxOptions(): OutboxOptions {
  return { table: "evc_outbox", maxPayload: defaultMaxPayload };
}

/** The default relay: 500 events a round, 100 ms idle pause, a standby tries every second. */
export function defaultRelayOptions(): RelayOptions {
  return { batchSize: 500, idleMs: 100, standbyMs: 1_000, retryMs: 1_000 };
}

/** An event written to the outbox. */
export interface OutboxEntry {
  /** Its place in the outbox: the relay publishes in this order. */
  readonly position: number;
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly subject: string;
  /** True when the outbox already held an event with this id, and nothing was written. */
  readonly duplicate: boolean;
}

/** Something a relay reports while it runs, keyed by a snake_case `type`. */
export type RelayNotification =
  | { readonly type: "leader" }
  | { readonly type: "published"; readonly count: number; readonly duplicates: number; readonly lastPosition: number }
  | { readonly type: "relay_failed"; readonly error: Error };

/** Thrown by `relayOnce` when the relay's loop is running, which already relays. */
export class RelayRunningError extends ContractError {
  constructor() {
    super("cannot run one relay round: the relay is started; stop() it first");
    this.name = "RelayRunningError";
  }
}

/**
 * Thrown by a relay round (reported as `relay_failed`) at an event that can never be published:
 * unknown to the relay's SDK, invalid, only the event store's to write, or larger than the server
 * takes. The events before it are published; none after it is, so order holds. An SDK that knows
 * the event ends it; an event too large to send must be removed from the table by hand.
 */
export class OutboxBlockedError extends ContractError {
  readonly position: number;
  readonly eventId: string;

  constructor(table: string, row: { readonly position: string; readonly payload: JsonObject }, problem: Error) {
    const id = typeof row.payload["id"] === "string" ? row.payload["id"] : "";
    super(`the outbox relay stops at ${table} position ${row.position} (event "${id}"), which cannot be published: ${problem.message}`, { cause: problem });
    this.name = "OutboxBlockedError";
    this.position = Number(row.position);
    this.eventId = id;
  }
}

const identifier = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/**
 * Run `work` in a transaction on a client of the pool: `BEGIN`, then `COMMIT` when it returns or
 * `ROLLBACK` when it throws (rethrowing); the client goes back to the pool either way.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    // A client that cannot even roll back is dropped from the pool instead of being reused.
    await client.query("ROLLBACK").catch((rollbackError: unknown) => (broken = rollbackError as Error));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Writes events in the caller's transaction; `relay()` publishes them. */
export class Outbox {
  readonly registry: Registry;
  readonly table: string;
  readonly maxPayload: number;

  constructor(registry: Registry, options: Partial<OutboxOptions> = {}) {
    const settings = withDefaults(defaultOutboxOptions(), options);
    if (!identifier.test(settings.table)) throw new ArgumentError("table", `a lower-case SQL identifier, optionally schema-qualified, not ${JSON.stringify(settings.table)}`);
    requireNumberOptions(settings, { maxPayload: "count" });
    this.registry = registry;
    this.table = settings.table;
    this.maxPayload = settings.maxPayload;
  }

  /** Create the outbox table and its index of pending events, unless they exist. */
  async install(client: SqlClient): Promise<void> {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (
        position bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        type text NOT NULL,
        version integer NOT NULL,
        subject text NOT NULL,
        payload json NOT NULL,
        traceparent text,
        tracestate text,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        stream_seq bigint
      )`,
    );
    await client.query(`CREATE INDEX IF NOT EXISTS ${this.table.replace(".", "_")}_pending ON ${this.table} (position) WHERE published_at IS NULL`);
  }

  /**
   * Write an event (a generated event object, or an event's JSON) with the caller's client, inside
   * the caller's transaction. It is validated first: an invalid event throws `ValidationError`
   * naming type, version and JSON paths, and nothing is written. The active span, if any, becomes
   * the parent of the publish.
   */
  async enqueue(client: SqlClient, event: Publishable): Promise<OutboxEntry> {
    return (await this.enqueueAll(client, [event]))[0] as OutboxEntry;
  }

  /** Write several events in one statement, in order, as `enqueue` does; if any is invalid, event-sourced (`EventSourcedPublishError`) or larger than `maxPayload` (`PayloadTooLargeError`), none is written. */
  async enqueueAll(client: SqlClient, events: readonly Publishable[]): Promise<OutboxEntry[]> {
    const trace = activeTrace();
    const entries = events.map((event) => {
      const { contract, json } = resolvePlainEvent(this.registry, event);
      if (!contract.validate(json)) throw new ValidationError(contract.type, contract.version, contract.validate.errors ?? []);
      const payload = JSON.stringify(json);
      // The body alone: its headers add a few hundred bytes more, which the relay checks before it sends.
      const bytes = Buffer.byteLength(payload);
      if (bytes > this.maxPayload) throw new PayloadTooLargeError({ id: json["id"] as string }, contract, bytes, this.maxPayload, "in its body alone");
      return { id: json["id"] as string, type: contract.type, version: contract.version, subject: subjectOf(contract, json), payload };
    });
    if (entries.length === 0) return [];
    const column = <K extends keyof (typeof entries)[number]>(key: K) => entries.map((entry) => entry[key]);
    const result = await client.query<{ position: string; event_id: string }>(
      `INSERT INTO ${this.table} (event_id, type, version, subject, payload, traceparent, tracestate)
       SELECT id, type, version, subject, payload, $6, $7
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::json[]) WITH ORDINALITY AS e(id, type, version, subject, payload, ord)
       ORDER BY ord
       ON CONFLICT (event_id) DO NOTHING RETURNING position, event_id`,
      [column("id"), column("type"), column("version"), column("subject"), column("payload"), trace?.traceparent ?? null, trace?.tracestate ?? null],
    );
    const inserted = new Map(result.rows.map((row) => [row.event_id, Number(row.position)]));
    const known = inserted.size === entries.length ? inserted : await this.#positionsOf(client, column("id"));
    return entries.map(({ payload: _payload, ...entry }) => ({ ...entry, position: known.get(entry.id) as number, duplicate: !inserted.has(entry.id) }));
  }

  /** How many events wait to be published. */
  async pending(client: SqlClient): Promise<number> {
    const result = await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${this.table} WHERE published_at IS NULL`);
    return Number(result.rows[0]?.count ?? 0);
  }

  /** Delete the events published more than `olderThanMs` ago; returns how many. */
  async prune(client: SqlClient, olderThanMs: number): Promise<number> {
    const result = await client.query(`DELETE FROM ${this.table} WHERE published_at < now() - make_interval(secs => $1)`, [olderThanMs / 1000]);
    return result.rowCount ?? 0;
  }

  /** A relay of this outbox to a bus; call `start()` on it. */
  relay(pool: Pool, bus: EventBus, options: Partial<RelayOptions> = {}): OutboxRelay {
    const settings = withDefaults(defaultRelayOptions(), options);
    requireNumberOptions(settings, { batchSize: "count", idleMs: "milliseconds", standbyMs: "milliseconds", retryMs: "milliseconds" }, "for the outbox relay");
    return new OutboxRelay(this, pool, bus, settings);
  }

  async #positionsOf(client: SqlClient, ids: readonly string[]): Promise<Map<string, number>> {
    const result = await client.query<{ position: string; event_id: string }>(`SELECT position, event_id FROM ${this.table} WHERE event_id = ANY($1::text[])`, [ids]);
    return new Map(result.rows.map((row) => [row.event_id, Number(row.position)]));
  }
}

interface PendingRow {
  readonly position: string;
  readonly payload: { readonly type: string; readonly version: number } & JsonObject;
  readonly traceparent: string | null;
}

/** Publishes an outbox's committed events in order, one relay per table at a time; `start()`, `stop()`. */
export class OutboxRelay {
  readonly #outbox: Outbox;
  readonly #pool: Pool;
  readonly #bus: EventBus;
  readonly #settings: RelayOptions;
  readonly #notifier = new Notifier<RelayNotification>();
  #session: PoolClient | undefined;
  #loop: Promise<void> | undefined;
  #stop = new AbortController();

  /** Use `outbox.relay(pool, bus, options)`. */
  constructor(outbox: Outbox, pool: Pool, bus: EventBus, settings: RelayOptions) {
    this.#outbox = outbox;
    this.#pool = pool;
    this.#bus = bus;
    this.#settings = settings;
  }

  /** True while this relay holds the table's lock and publishes. */
  get isLeader(): boolean {
    return this.#session !== undefined;
  }

  /** What the relay does, from now on: taking the lead, each round published, failures. */
  status(): AsyncIterable<RelayNotification> {
    return this.#notifier.listen();
  }

  /** Start relaying in the background (a standby until it holds the lock); idempotent. */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#stop = new AbortController();
    this.#loop = this.#run(this.#stop.signal);
  }

  /** Finish the round in flight, give the lock up and stop; `start()` resumes. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#loop = undefined;
    await this.#release();
  }

  /** Stop, and end `status()`. */
  async close(): Promise<void> {
    await this.stop();
    this.#notifier.close();
  }

  /**
   * Run one round while stopped: take the lock if free, publish up to `batchSize` pending events
   * and mark them; returns how many were published, or undefined when another relay holds the lock.
   */
  async relayOnce(): Promise<number | undefined> {
    if (this.#loop !== undefined) throw new RelayRunningError();
    return this.#round();
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let pause: number;
      try {
        const published = await this.#round();
        pause = published === undefined ? this.#settings.standbyMs : published < this.#settings.batchSize ? this.#settings.idleMs : 0;
      } catch (error) {
        this.#notifier.emit({ type: "relay_failed", error: error as Error });
        await this.#release(error as Error);
        pause = this.#settings.retryMs;
      }
      if (pause > 0) await sleep(pause, undefined, { signal }).catch(() => undefined);
    }
  }

  /** One round; undefined when another relay leads. */
  async #round(): Promise<number | undefined> {
    const session = await this.#lead();
    if (session === undefined) return undefined;
    const table = this.#outbox.table;
    const { rows } = await session.query<PendingRow>(
      `SELECT position, payload, traceparent FROM ${table} WHERE published_at IS NULL ORDER BY position LIMIT $1`,
      [this.#settings.batchSize],
    );
    if (rows.length === 0) return 0;
    // An event that can never be published (unknown to this SDK, invalid, too large) stops the round before it: nothing after it goes out first.
    const { ready, blocked } = this.#ready(rows);
    // Every publish is sent before any ack is awaited, in order, each as a child of the span that enqueued
    // it, and each once: from the first that fails, the next round sends them again in order (a retry of
    // each on its own would send them in whatever order their pauses end).
    const results = await Promise.allSettled(
      ready.map((event, index) => context.with(incomingContext(rows[index]?.traceparent ?? undefined), () => this.#bus.publishReady(event, { retry: false }))),
    );
    const failed = results.findIndex((result) => result.status === "rejected");
    const done = failed === -1 ? results.length : failed;
    const acks = results.slice(0, done).map((result) => (result as PromiseFulfilledResult<PublishAck>).value);
    if (done > 0) {
      await session.query(
        `UPDATE ${table} AS o SET published_at = now(), stream_seq = s.seq FROM unnest($1::bigint[], $2::bigint[]) AS s(position, seq) WHERE o.position = s.position`,
        [rows.slice(0, done).map((row) => row.position), acks.map((ack) => ack.seq)],
      );
      this.#notifier.emit({ type: "published", count: done, duplicates: acks.filter((ack) => ack.duplicate).length, lastPosition: Number(rows[done - 1]?.position) });
    }
    // Events after a failed one are published again next round (in order); the stream drops the repeats.
    if (failed !== -1) throw (results[failed] as PromiseRejectedResult).reason;
    if (blocked !== undefined) throw new OutboxBlockedError(this.#outbox.table, blocked.row, blocked.problem);
    return done;
  }

  /** The rows' events readied to publish, up to the first that cannot be published, which is `blocked` with why. */
  #ready(rows: readonly PendingRow[]): { ready: ReadyEvent[]; blocked?: { row: PendingRow; problem: Error } } {
    const ready: ReadyEvent[] = [];
    for (const row of rows) {
      try {
        ready.push(this.#bus.prepareJson(row.payload));
      } catch (error) {
        return { ready, blocked: { row, problem: error as Error } };
      }
    }
    return { ready };
  }

  /** The session holding the table's advisory lock, taking it if free; undefined when another relay holds it. */
  async #lead(): Promise<PoolClient | undefined> {
    if (this.#session !== undefined) return this.#session;
    const session = await this.#pool.connect();
    try {
      const { rows } = await session.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [this.#outbox.table]);
      if (rows[0]?.locked !== true) {
        session.release();
        return undefined;
      }
    } catch (error) {
      session.release(error as Error);
      throw error;
    }
    // A session cut while idle (the server restarted, an administrator ended it) errors outside any
    // query: without a listener that error would end the process.
    session.on("error", this.#sessionFailed);
    this.#session = session;
    this.#notifier.emit({ type: "leader" });
    return session;
  }

  readonly #sessionFailed = (error: Error): void => {
    this.#notifier.emit({ type: "relay_failed", error });
    void this.#release(error);
  };

  /** Give the lock up: unlock and return the session to the pool, or drop a broken session (which ends the lock with it). */
  async #release(error?: Error): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    session.off("error", this.#sessionFailed);
    if (error !== undefined) {
      session.release(error);
      return;
    }
    try {
      await session.query("SELECT pg_advisory_unlock(hashtext($1))", [this.#outbox.table]);
      session.release();
    } catch (unlockError) {
      session.release(unlockError as Error);
    }
  }
}
