/**
 * The outbox beside the plain libraries doing the same work: writing 10,000 events in one
 * transaction with `enqueueAll` (validation included) against one plain `INSERT ... SELECT FROM
 * unnest` of the same JSON through pg; and relaying them to the stream against `bus.publishBatch`
 * of the same events straight from memory. A database of its own on the local PostgreSQL (or
 * `EVC_POSTGRES_URL`), a nats-server of its own.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { ExecutionRunning, registry } from "@evc/seeds";
import { connect, type EventBus } from "@evc/runtime";
import { Outbox, withTransaction } from "@evc/runtime/outbox";
import { startNatsServer } from "@evc/runtime/testing";
import { createTemporaryDatabase } from "../demo/temporary-database.js";

/** Figures of the outbox benchmark; times in milliseconds. */
export interface OutboxFigures {
  readonly events: number;
  /** `enqueueAll` of every event in one transaction. */
  readonly enqueueMs: number;
  /** A plain multi-row insert of the same JSON in one transaction. */
  readonly rawInsertMs: number;
  /** Events per second the relay published and marked, from the first round to none pending. */
  readonly relayPerSecond: number;
  /** Events per second `bus.publishBatch` published the same events at. */
  readonly publishBatchPerSecond: number;
}

/** Run the benchmark once on a server and a database of its own. */
export async function benchOutbox(events = 10_000, postgresUrl?: string): Promise<OutboxFigures> {
  await using server = await startNatsServer();
  await using database = await createTemporaryDatabase("evc_bench", postgresUrl);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const bus = await connect({ registry, servers: server.url, name: "bench-outbox" });
  try {
    const outbox = new Outbox(registry);
    await outbox.install(pool);
    await pool.query("CREATE TABLE raw_outbox (event_id text PRIMARY KEY, payload json NOT NULL)");

    const enqueueMs = await timed(() => withTransaction(pool, (client) => outbox.enqueueAll(client, batch(bus, events))));
    const raw = batch(bus, events);
    const rawInsertMs = await timed(() =>
      withTransaction(pool, (client) =>
        client.query("INSERT INTO raw_outbox SELECT * FROM unnest($1::text[], $2::json[])", [raw.map((event) => event.id), raw.map((event) => JSON.stringify(event))]),
      ),
    );

    const relay = outbox.relay(pool, bus, { idleMs: 5 });
    const relayMs = await timed(async () => {
      relay.start();
      while ((await outbox.pending(pool)) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    });
    await relay.close();
    const direct = batch(bus, events);
    const publishMs = await timed(() => bus.publishBatch(direct));
    return {
      events,
      enqueueMs,
      rawInsertMs,
      relayPerSecond: Math.round(events / (relayMs / 1_000)),
      publishBatchPerSecond: Math.round(events / (publishMs / 1_000)),
    };
  } finally {
    await bus.close();
    await pool.end();
  }
}

function batch(bus: EventBus, count: number) {
  return Array.from({ length: count }, (_, index) => {
    const executionId = randomUUID();
    return bus.create(ExecutionRunning, { aggregateId: executionId, data: { execution_id: executionId, pod_name: "executor-bench", progress_percentage: index % 101 } });
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}
