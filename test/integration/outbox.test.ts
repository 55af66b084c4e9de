import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { connect, EventHistory, PayloadTooLargeError, ValidationError } from "@evc/runtime";
import { Outbox, OutboxBlockedError, withTransaction, type OutboxRelay, type RelayNotification } from "@evc/runtime/outbox";
import { useBus } from "../helpers/bus.js";
import { useDatabase } from "../helpers/postgres.js";
import { until } from "../helpers/until.js";

const fixture = useBus({ reset: true });
const database = useDatabase("evc_outbox_test");
const outbox = new Outbox(sdk.registry);
const relayScript = join(import.meta.dirname, "../fixtures/runtime/outbox-relay.ts");
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

beforeAll(async () => {
  await outbox.install(database.pool);
  await database.pool.query("CREATE TABLE executions (execution_id uuid PRIMARY KEY, status text NOT NULL)");
});

/** An Integr8sCode `execution_running` event of one execution, built by the bus (fresh id). */
function running(executionId: string, progress: number): sdk.ExecutionRunningV2 {
  return fixture.bus.create(sdk.ExecutionRunning, {
    aggregateId: executionId,
    data: { execution_id: executionId, pod_name: `executor-${executionId.slice(0, 8)}`, progress_percentage: progress },
  });
}

/** Write a row and its event in one transaction, then commit or roll back. */
async function writeExecution(executionId: string, outcome: "COMMIT" | "ROLLBACK"): Promise<sdk.ExecutionRunningV2> {
  const event = running(executionId, 10);
  await withTransaction(database.pool, async (client) => {
    await client.query("INSERT INTO executions (execution_id, status) VALUES ($1, 'running')", [executionId]);
    await outbox.enqueue(client, event);
    if (outcome === "ROLLBACK") throw new Error("rolled back on purpose");
  }).catch((error: unknown) => {
    if (outcome === "COMMIT") throw error;
  });
  return event;
}

/** Every stored `execution_running` event's id, in stream order. */
async function storedIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const stored of new EventHistory(fixture.bus).replay({ type: "execution_running" })) ids.push((stored.event as sdk.ExecutionRunningV2).id);
  return ids;
}

/** Enqueue `count` events in one transaction; returns their ids in outbox order. */
async function enqueueMany(count: number): Promise<string[]> {
  const events = Array.from({ length: count }, (_, index) => running(randomUUID(), index % 101));
  await withTransaction(database.pool, (client) => outbox.enqueueAll(client, events));
  return events.map((event) => event.id);
}

describe("outbox - one transaction", () => {
  test("a committed row's event is published once, with the event id as Nats-Msg-Id, and marked sent", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    const executionId = randomUUID();
    const event = await writeExecution(executionId, "COMMIT");
    expect(await outbox.pending(database.pool)).toBe(1);

    const relay = outbox.relay(database.pool, fixture.bus);
    expect(await relay.relayOnce()).toBe(1);
    expect(await relay.relayOnce()).toBe(0);
    await relay.close();

    expect(await outbox.pending(database.pool)).toBe(0);
    const stored = await fixture.bus.manager.streams.getMessage("INTEGR8SCODE", { last_by_subj: `integr8scode.execution.${executionId}` });
    expect(stored?.header.get("Nats-Msg-Id")).toBe(event.id);
    expect(stored?.json<{ data: unknown }>().data).toEqual(event.data);
    const row = await database.pool.query("SELECT status FROM executions WHERE execution_id = $1", [executionId]);
    expect(row.rows).toEqual([{ status: "running" }]);
  });

  test("a rolled-back row takes its event with it: nothing pending, nothing published", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    const executionId = randomUUID();
    await writeExecution(executionId, "ROLLBACK");
    expect(await outbox.pending(database.pool)).toBe(0);
    const relay = outbox.relay(database.pool, fixture.bus);
    expect(await relay.relayOnce()).toBe(0);
    await relay.close();
    const row = await database.pool.query("SELECT count(*)::int AS count FROM executions WHERE execution_id = $1", [executionId]);
    expect(row.rows[0]).toEqual({ count: 0 });
    expect(await storedIds()).toEqual([]);
  });

  test("an invalid event is refused before anything is written, naming type, version and path, and the valid ones beside it are not written either", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    const executionId = randomUUID();
    const bad = { ...running(executionId, 10).toJSON(), data: { execution_id: executionId, pod_name: "p", progress_percentage: "half" } };
    const refused = await outbox.enqueueAll(database.pool, [running(executionId, 5), bad]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as Error).message).toBe('invalid "execution_running" v2: /data/progress_percentage must be integer,null');
    expect(await outbox.pending(database.pool)).toBe(0);
  });

  test("an event too large for the server is refused at enqueue; one that an outbox allowing it wrote stops the relay at it, and nothing after it is published first", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    const executionId = randomUUID();
    const huge = fixture.bus.create(sdk.ExecutionRunning, { aggregateId: executionId, data: { execution_id: executionId, pod_name: "x".repeat(1_100_000), progress_percentage: 1 } });
    await expect(outbox.enqueue(database.pool, huge)).rejects.toThrowError(PayloadTooLargeError);
    await expect(outbox.enqueue(database.pool, huge)).rejects.toThrowError(/is 1100\d{3} bytes in its body alone, past the server's max_payload of 1048576 bytes/);
    expect(await outbox.pending(database.pool)).toBe(0);

    const before = running(randomUUID(), 1);
    const after = running(randomUUID(), 2);
    await new Outbox(sdk.registry, { maxPayload: 2 * 1024 * 1024 }).enqueueAll(database.pool, [before, huge, after]);
    const relay = outbox.relay(database.pool, fixture.bus);
    try {
      const blocked = await relay.relayOnce().catch((error: unknown) => error);
      expect(blocked).toBeInstanceOf(OutboxBlockedError);
      expect((blocked as OutboxBlockedError).eventId).toBe(huge.id);
      expect((blocked as Error).message).toMatch(new RegExp(`^the outbox relay stops at evc_outbox position \\d+ \\(event "${huge.id}"\\), which cannot be published: event "execution_running" v2 .* past the server's max_payload of 1048576 bytes`));
      expect(await storedIds()).toEqual([before.id]);
      expect(await outbox.pending(database.pool)).toBe(2);
      // Removed by hand, as the error says: the relay goes on in order.
      await database.pool.query(`DELETE FROM ${outbox.table} WHERE event_id = $1`, [huge.id]);
      expect(await relay.relayOnce()).toBe(1);
      expect(await storedIds()).toEqual([before.id, after.id]);
    } finally {
      await relay.close();
    }
  });

  test("enqueuing the same event id twice writes it once", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    const event = running(randomUUID(), 1);
    const first = await outbox.enqueue(database.pool, event);
    const again = await outbox.enqueue(database.pool, event);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await outbox.pending(database.pool)).toBe(1);
  });
  test("prune deletes the events published before the given age and keeps the pending ones", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    await enqueueMany(3);
    const relay = outbox.relay(database.pool, fixture.bus);
    expect(await relay.relayOnce()).toBe(3);
    await relay.close();
    await enqueueMany(2);
    expect(await outbox.prune(database.pool, 60_000)).toBe(0);
    expect(await outbox.prune(database.pool, 0)).toBe(3);
    const left = await database.pool.query(`SELECT count(*)::int AS count FROM ${outbox.table}`);
    expect(left.rows[0]).toEqual({ count: 2 });
    expect(await outbox.pending(database.pool)).toBe(2);
  });
});

describe("outbox - relays", () => {
  test("two relays on one table: one leads, the other stands by and takes over when it stops; every event is published once, in order", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    const first = outbox.relay(database.pool, fixture.bus, { idleMs: 20, standbyMs: 50 });
    const second = outbox.relay(database.pool, fixture.bus, { idleMs: 20, standbyMs: 50 });
    const seen = [watch(first), watch(second)];
    first.start();
    await until(() => first.isLeader, "the first relay to lead");
    second.start();
    const before = await enqueueMany(1_000);
    await until(async () => (await outbox.pending(database.pool)) === 0, "the first 1,000 events to be published");
    expect(second.isLeader).toBe(false);

    await first.stop();
    await until(() => second.isLeader, "the standby to take over");
    const after = await enqueueMany(500);
    await until(async () => (await outbox.pending(database.pool)) === 0, "the next 500 events to be published");
    await Promise.all([first.close(), second.close()]);

    expect(await storedIds()).toEqual([...before, ...after]);
    const published = (await Promise.all(seen)).flat().filter((note) => note.type === "published");
    expect(published.reduce((sum, note) => sum + note.count, 0)).toBe(1_500);
    expect(published.reduce((sum, note) => sum + note.duplicates, 0)).toBe(0);
  }, 60_000);

  test("a server that stalls, then crashes under a round: the relay sends the rest again in order, and the stream holds every event once, in outbox order", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    const impatient = await connect({ registry: sdk.registry, servers: fixture.server.url, service: "outbox-crash", publishTimeoutMs: 500 });
    try {
      const ids = await enqueueMany(300);
      const relay = outbox.relay(database.pool, impatient, { idleMs: 20, retryMs: 100 });
      fixture.server.freeze(30_000);
      relay.start();
      await sleep(300);
      // The publishes in flight are lost with the server; it comes back with its store.
      await fixture.server.kill();
      await fixture.server.restart();
      await until(async () => (await outbox.pending(database.pool)) === 0, "every event to be published");
      await relay.close();
      expect(await storedIds()).toEqual(ids);
    } finally {
      await impatient.close();
    }
  }, 60_000);

  test("a relay whose database session is cut reports it, takes the lock again and publishes the rest", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    const relay = outbox.relay(database.pool, fixture.bus, { idleMs: 20, retryMs: 50 });
    const seen = watch(relay);
    relay.start();
    await until(() => relay.isLeader, "the relay to lead");
    const before = await enqueueMany(200);
    await until(async () => (await outbox.pending(database.pool)) === 0, "the first 200 events to be published");

    // Only this file's database: relays of other tests (the demo's) hold advisory locks on the same server.
    const cut = await database.pool.query(
      "SELECT pg_terminate_backend(pid) AS cut FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND pid <> pg_backend_pid()",
    );
    expect(cut.rows).toEqual([{ cut: true }]);
    const after = await enqueueMany(200);
    await until(async () => (await outbox.pending(database.pool)) === 0, "the next 200 events to be published after the cut");
    await relay.close();

    expect(await storedIds()).toEqual([...before, ...after]);
    const notes = await seen;
    expect(notes.filter((note) => note.type === "relay_failed").map((note) => (note as { error: Error }).error.message)).toContain("terminating connection due to administrator command");
    expect(notes.filter((note) => note.type === "leader")).toHaveLength(2);
  }, 60_000);

  test("a relay killed mid-batch of 10,000 events and restarted: exactly 10,000 distinct events in the stream, in outbox order", async () => {
    await database.pool.query(`DELETE FROM ${outbox.table}`);
    const ids = await enqueueMany(10_000);

    // The child relays 2,500 a round and marks a round only once all of it is acknowledged: a stream
    // count between two multiples of 2,500 means a round is half published and not marked.
    const first = startRelay();
    await until(
      async () => {
        const stored = await storedCount();
        return stored > 2_500 && stored % 2_500 !== 0;
      },
      "the relay to be inside its second round",
      60_000,
    );
    first.process.kill("SIGKILL");
    await first.exited;
    const pendingAfterKill = await outbox.pending(database.pool);
    const publishedAfterKill = await storedCount();
    expect(pendingAfterKill).toBeGreaterThan(0);
    expect(publishedAfterKill).toBeGreaterThan(10_000 - pendingAfterKill);

    const second = startRelay();
    await until(async () => (await outbox.pending(database.pool)) === 0, "the restarted relay to publish the rest", 60_000);
    second.process.kill("SIGKILL");
    await second.exited;
    // What the killed relay had published but not marked was published again and dropped by the stream as repeats.
    expect(second.duplicates()).toBe(publishedAfterKill - (10_000 - pendingAfterKill));

    const stored = await storedIds();
    expect(stored).toHaveLength(10_000);
    expect(new Set(stored).size).toBe(10_000);
    expect(stored).toEqual(ids);
  }, 120_000);
});

/** Collect a relay's notifications until it is closed. */
async function watch(relay: OutboxRelay): Promise<RelayNotification[]> {
  const notes: RelayNotification[] = [];
  for await (const note of relay.status()) notes.push(note);
  return notes;
}

/** How many events the stream holds. */
async function storedCount(): Promise<number> {
  return (await fixture.bus.manager.streams.info("INTEGR8SCODE")).state.messages;
}

/** Start the relay in a process of its own; `duplicates()` sums the repeats its rounds reported. */
function startRelay(): { process: ChildProcess; exited: Promise<void>; duplicates(): number } {
  // node itself with tsx as a loader: one process, so that SIGKILL kills the relay and not a wrapper.
  const child = spawn(process.execPath, ["--import", "tsx", relayScript, fixture.server.url, database.url], { stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const duplicates = () => [...output.matchAll(/^published \d+ (\d+) \d+$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  return { process: child, exited, duplicates };
}
