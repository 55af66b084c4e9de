/**
 * The event store beside the plain NATS.js client doing the same work on the same server: appends
 * per second by one writer, each with its expected version, against raw publishes carrying the same
 * `Nats-Expected-Last-Subject-Sequence` header; and the load of an aggregate of 10,000 events, in
 * full and from a snapshot, against an ordered consumer reading the same subject (JSON.parse only).
 */
import { randomUUID } from "node:crypto";
import { PubHeaders } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { registry } from "@evc/seeds";
import { contextAggregate, contextUpdated, createContext, type ContextEvent, type ContextState } from "../demo/context-aggregate.js";
import { connect, type EventBus } from "@evc/runtime";
import { createEventStore, Repository, type EventStore } from "@evc/runtime/store";
import { startNatsServer } from "@evc/runtime/testing";
import { inTurn, middle, ratio } from "./figures.js";

/** Figures of the event store benchmark; times in milliseconds. */
export interface StoreFigures {
  readonly appends: number;
  /** Single-event appends per second through `EventStore.append`, validation included. */
  readonly storeAppendsPerSecond: number;
  /** The same publishes with the same expected-sequence header through NATS.js. */
  readonly rawAppendsPerSecond: number;
  readonly events: number;
  /** `Repository.load` from all 10,000 events (read, validate, upcast, fold). */
  readonly fullLoadMs: number;
  /** `Repository.load` from a snapshot 10 events before the end. */
  readonly snapshotLoadMs: number;
  /** An ordered consumer reading the same subject, parsing each body. */
  readonly rawLoadMs: number;
  /** The figures above as ratios to the raw client (1 is as fast): appends per second, and the full load's time (raw ms / store ms). */
  readonly ratios: { readonly appends: StoreRatio; readonly load: StoreRatio };
}

/** The store's figure, the raw client's, and how close the store comes (1 is as fast). */
export interface StoreRatio {
  readonly runtime: number;
  readonly raw: number;
  readonly ratio: number;
}

/** Rounds of appends whose median counts, after a warm-up round. */
const appendRounds = 7;

/** Run the benchmark on a server of its own; appends run in rounds, each side first in turn, a warm-up round and then seven whose median counts; loads alternate too, five rounds. */
export async function benchEventStore(appends = 2_000, events = 10_000): Promise<StoreFigures> {
  await using server = await startNatsServer();
  const bus = await connect({ registry, servers: server.url, name: "bench-store", service: "bench-store" });
  try {
    const store = await createEventStore(bus);
    const rounds: { store: number; raw: number }[] = [];
    for (let round = 0; round < appendRounds + 1; round++) {
      const [storeRate, rawRate] = await inTurn(round % 2 === 1, () => storeAppends(store, appends), () => rawAppends(bus, store, appends));
      rounds.push({ store: storeRate, raw: rawRate });
    }
    rounds.shift();
    const storeAppendsPerSecond = middle(rounds.map((round) => round.store));
    const rawAppendsPerSecond = middle(rounds.map((round) => round.raw));
    const repository = new Repository(store, contextAggregate(events - 10));
    const aggregate = await fill(repository, events);
    const { full: fullLoadMs, snapshot: snapshotLoadMs, raw: rawLoadMs } = await alternatingMedians({
      full: () => repository.load(aggregate, { useSnapshot: false }),
      snapshot: async () => {
        const fromSnapshot = await repository.load(aggregate);
        if (fromSnapshot.snapshotVersion === undefined) throw new Error("the snapshot was not used");
      },
      raw: () => rawLoad(bus, store.subjectOf(repository.ref(aggregate)).subject, events),
    });
    return {
      appends,
      storeAppendsPerSecond,
      rawAppendsPerSecond,
      events,
      fullLoadMs,
      snapshotLoadMs,
      rawLoadMs,
      ratios: {
        appends: { runtime: storeAppendsPerSecond, raw: rawAppendsPerSecond, ratio: ratio(storeAppendsPerSecond / rawAppendsPerSecond) },
        load: { runtime: fullLoadMs, raw: rawLoadMs, ratio: ratio(rawLoadMs / fullLoadMs) },
      },
    };
  } finally {
    await bus.close();
  }
}

async function storeAppends(store: EventStore, count: number): Promise<number> {
  const ref = { aggregateType: "context", aggregateId: `bench-store-${randomUUID().slice(0, 8)}` };
  const events = Array.from({ length: count }, (_, index) => contextUpdated(ref.aggregateId, { name: `n${index}` }, "bench"));
  const started = performance.now();
  for (const [index, event] of events.entries()) await store.append(ref, [event], { expectedVersion: index });
  return Math.round(count / ((performance.now() - started) / 1_000));
}

async function rawAppends(bus: EventBus, store: EventStore, count: number): Promise<number> {
  const aggregateId = `bench-raw-${randomUUID().slice(0, 8)}`;
  const subject = store.subjectOf({ aggregateType: "context", aggregateId }).subject;
  const bodies = Array.from({ length: count }, (_, index) => {
    const event = contextUpdated(aggregateId, { name: `n${index}` }, "bench");
    return { id: event.id, body: JSON.stringify(event) };
  });
  let seq = 0;
  const started = performance.now();
  for (const { id, body } of bodies) {
    const headers = natsHeaders();
    headers.set(PubHeaders.ExpectedLastSubjectSequenceHdr, String(seq));
    seq = (await bus.jetstream.publish(subject, body, { msgID: id, headers })).seq;
  }
  return Math.round(count / ((performance.now() - started) / 1_000));
}

/** A context of `count` events, saved 100 at a time, so that the repository's policy snapshots it at its `snapshotEvery`. */
async function fill(repository: Repository<ContextState, ContextEvent>, count: number): Promise<string> {
  const aggregateId = `bench-load-${randomUUID().slice(0, 8)}`;
  const context = await repository.load(aggregateId);
  createContext(context, { name: "bench", description: "", agentId: "agent-1", createdBy: "bench" });
  const snapshotAt = repository.definition.snapshotEvery ?? count;
  while (context.version < count) {
    const boundary = context.version < snapshotAt ? snapshotAt : count;
    while (context.version + context.pending.length < Math.min(boundary, context.version + 100)) context.record(contextUpdated(aggregateId, { name: `n${context.pending.length}` }, "bench"));
    await repository.save(context);
  }
  if ((await repository.store.loadSnapshot(repository.ref(aggregateId)))?.version !== snapshotAt) throw new Error(`no snapshot at version ${snapshotAt}`);
  return aggregateId;
}

async function rawLoad(bus: EventBus, subject: string, expected: number): Promise<void> {
  const consumer = await bus.jetstream.consumers.get("DEVOPS_MCP", { filter_subjects: subject });
  let read = 0;
  try {
    const messages = await consumer.consume({ max_messages: 1_000 });
    for await (const message of messages) {
      JSON.parse(message.string());
      read++;
      if (message.info.pending === 0) break;
    }
  } finally {
    await consumer.delete();
  }
  if (read !== expected) throw new Error(`read ${read} events, not ${expected}`);
}

/**
 * The median time in ms of each run, over `rounds` rounds that run each once in turn, so that every
 * side meets the same heap and server state (run in blocks, the first would pay for the garbage of
 * the fill before it).
 */
async function alternatingMedians<K extends string>(runs: Record<K, () => Promise<unknown>>, rounds = 5): Promise<Record<K, number>> {
  const durations = new Map<K, number[]>(Object.keys(runs).map((name) => [name as K, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(runs) as [K, () => Promise<unknown>][]) {
      const started = performance.now();
      await run();
      durations.get(name)?.push(performance.now() - started);
    }
  }
  return Object.fromEntries([...durations].map(([name, times]) => [name, Math.round(middle(times) * 10) / 10])) as Record<K, number>;
}

