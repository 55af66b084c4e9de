/**
 * Integr8sCode (seed 004): an execution's lifecycle, each service persisting then publishing
 * through the transactional outbox on PostgreSQL. The API writes the execution row and
 * `execution_requested` in one transaction; the coordinator, the Kubernetes worker and the pod
 * monitor each update the row and write their events in one transaction when the event before
 * reaches them; one relay publishes what commits. A request whose transaction rolls back leaves
 * neither row nor event. The pod's output is made up: the demo runs no container.
 */
import { randomUUID } from "node:crypto";
import * as sdk from "@evc/seeds";
import pg from "pg";
import { EventHistory, type EventInstance } from "@evc/runtime";
import { Outbox, withTransaction, type OutboxRelay, type SqlClient } from "@evc/runtime/outbox";
import { createTemporaryDatabase } from "./temporary-database.js";
import type { Integr8scodeEvent } from "@evc/seeds";
import type { DemoScope } from "./scope.js";

/** Run one execution through the outbox on a database of its own, and one request that rolls back. */
export async function runExecutionLifecycle(scope: DemoScope): Promise<void> {
  const database = await createTemporaryDatabase("evc_demo", scope.postgresUrl);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  // An idle connection that PostgreSQL cuts is reported on the pool; unheard, it would end the demo.
  pool.on("error", (error) => scope.log(`  PostgreSQL dropped an idle connection: ${error.message}`));
  try {
    const outbox = new Outbox(scope.bus.registry);
    await outbox.install(pool);
    await pool.query("CREATE TABLE executions (execution_id uuid PRIMARY KEY, status text NOT NULL, stdout text)");
    scope.log(`  created database ${database.name} on PostgreSQL with the outbox table ${outbox.table}`);
    const relay = outbox.relay(pool, scope.bus, { idleMs: 20 });
    relay.start();
    try {
      await runServices(scope, pool, outbox, relay);
    } finally {
      await relay.close();
    }
  } finally {
    await pool.end();
    await database[Symbol.asyncDispose]();
    scope.log(`  dropped database ${database.name}`);
  }
}

async function runServices(scope: DemoScope, pool: pg.Pool, outbox: Outbox, relay: OutboxRelay): Promise<void> {
  const { bus, log } = scope;
  const since = new Date();
  const executionId = randomUUID();
  const ours = (event: Integr8scodeEvent) => event.aggregateId === executionId;
  const follow = (cause: Integr8scodeEvent, source: string) => ({ correlationId: executionId, causationId: cause.id, source });
  let transactions = 0;
  const transaction = async (work: (client: SqlClient) => Promise<void>): Promise<void> => {
    await withTransaction(pool, work);
    transactions++;
  };

  await scope.on(sdk.ExecutionRequested, "execution-coordinator", async (requested) => {
    if (!ours(requested)) return;
    const metadata = follow(requested, "execution-coordinator");
    await transaction(async (client) => {
      await client.query("UPDATE executions SET status = 'queued' WHERE execution_id = $1", [executionId]);
      await outbox.enqueueAll(client, [
        bus.create("execution_accepted", { aggregateId: executionId, metadata, data: { execution_id: executionId, queue_position: 1, estimated_wait_seconds: 0, priority: requested.data.priority ?? "normal" } }),
        bus.create("execution_queued", { aggregateId: executionId, metadata, data: { execution_id: executionId, position_in_queue: 1, estimated_start_time: new Date().toISOString() } }),
      ]);
    });
  });

  await scope.on(sdk.ExecutionQueued, "k8s-worker", async (queued) => {
    if (!ours(queued)) return;
    const metadata = follow(queued, "k8s-worker");
    const pod = { execution_id: executionId, pod_name: `executor-${executionId.slice(0, 8)}` };
    await transaction(async (client) => {
      await client.query("UPDATE executions SET status = 'running' WHERE execution_id = $1", [executionId]);
      await outbox.enqueueAll(client, [
        bus.create("pod_created", { aggregateId: executionId, metadata, data: { ...pod, namespace: "integr8scode" } }),
        bus.create("pod_scheduled", { aggregateId: executionId, metadata, data: { ...pod, node_name: "node-1" } }),
        bus.create("pod_running", { aggregateId: executionId, metadata, data: { ...pod, container_statuses: [{ name: "script", ready: true, restart_count: 0, state: "running" }] } }),
        bus.create("execution_started", { aggregateId: executionId, metadata, data: { ...pod, node_name: "node-1", container_id: null } }),
        bus.create("execution_running", { aggregateId: executionId, metadata, data: { ...pod, progress_percentage: null } }),
      ]);
    });
  });

  await scope.on(sdk.ExecutionRunning, "pod-monitor", async (running) => {
    if (!ours(running)) return;
    const metadata = follow(running, "pod-monitor");
    const stdout = "Hello, World!\n";
    await transaction(async (client) => {
      await client.query("UPDATE executions SET status = 'completed', stdout = $2 WHERE execution_id = $1", [executionId, stdout]);
      await outbox.enqueueAll(client, [
        bus.create("pod_succeeded", { aggregateId: executionId, metadata, data: { execution_id: executionId, pod_name: running.data.pod_name, exit_code: 0, stdout, stderr: null } }),
        bus.create("execution_completed", {
          aggregateId: executionId,
          metadata,
          data: { execution_id: executionId, exit_code: 0, stdout, stderr: "", resource_usage: { execution_time_wall_seconds: 0.18, cpu_time_jiffies: 12, clk_tck_hertz: 100, peak_memory_kb: 9216 } },
        }),
        bus.create("result_stored", { aggregateId: executionId, metadata, data: { execution_id: executionId, storage_type: "database", storage_path: `executions/${executionId}`, size_bytes: stdout.length } }),
      ]);
    });
  });

  const refusedId = randomUUID();
  const refused = await withTransaction(pool, async (client) => {
    await client.query("INSERT INTO executions (execution_id, status) VALUES ($1, 'requested')", [refusedId]);
    await outbox.enqueue(client, requestOf(scope, refusedId));
    throw new QuotaExceeded();
  }).catch((error: unknown) => error);
  const left = await pool.query<{ rows: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM executions WHERE execution_id = $1::uuid) AS rows, (SELECT count(*)::int FROM ${outbox.table} WHERE payload->>'aggregateId' = $1::text) AS events`,
    [refusedId],
  );
  log(`  execution ${refusedId.slice(0, 8)} rolled back (${(refused as Error).message}): ${left.rows[0]?.rows} rows, ${left.rows[0]?.events} events in the outbox`);

  const stored = await scope.first(sdk.ResultStored, "execution-api", ours);
  const [result] = await Promise.all([
    stored.arrival,
    transaction(async (client) => {
      await client.query("INSERT INTO executions (execution_id, status) VALUES ($1, 'requested')", [executionId]);
      await outbox.enqueue(client, requestOf(scope, executionId));
    }),
  ]);

  const chain = (await new EventHistory(bus).query({ system: "integr8scode", aggregateType: "execution", from: since, limit: 1_000 })).filter((event) => ours(event.event));
  log(`  execution ${executionId.slice(0, 8)}: ${chain.map((event) => `${event.type} v${event.storedVersion}`).join(" → ")} (${chain.length} events)`);
  // A consumer can hold the last event before the relay has marked it published: stopping the relay finishes its round.
  await relay.stop();
  const row = await pool.query<{ status: string; stdout: string }>("SELECT status, stdout FROM executions WHERE execution_id = $1", [executionId]);
  const outboxState = await pool.query<{ written: number; published: number }>(`SELECT count(*)::int AS written, count(published_at)::int AS published FROM ${outbox.table}`);
  log(`  row status ${row.rows[0]?.status}, stdout ${JSON.stringify(row.rows[0]?.stdout)}, result at ${result.data.storage_path}`);
  log(`  outbox: ${outboxState.rows[0]?.written} events written in ${transactions} transactions, ${outboxState.rows[0]?.published} published, ${await outbox.pending(pool)} pending`);
}

/** The API's request to run seed 004's hello world. */
function requestOf(scope: DemoScope, executionId: string): EventInstance {
  return scope.bus.create("execution_requested", {
    aggregateId: executionId,
    metadata: { correlationId: executionId, userId: "user123", source: "execution-api" },
    data: {
      execution_id: executionId,
      script: "print('Hello, World!')",
      language: "python",
      language_version: "3.11",
      runtime_image: "python:3.11-slim",
      runtime_command: ["python"],
      runtime_filename: "main.py",
      timeout_seconds: 30,
      cpu_limit: "1000m",
      memory_limit: "128Mi",
      cpu_request: "1000m",
      memory_request: "128Mi",
      priority: "normal",
    },
  });
}

/** The API's refusal after it wrote the row and the event: the transaction rolls back. */
class QuotaExceeded extends Error {
  constructor() {
    super("quota exceeded for user123");
    this.name = "QuotaExceeded";
  }
}
