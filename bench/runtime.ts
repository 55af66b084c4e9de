/**
 * The runtime against the raw NATS.js v3 client on the same server in the same run.
 *
 * Publish: the runtime validates, encodes and publishes events with `inFlight` acks outstanding;
 * the raw client publishes the same payload bytes with the same headers and message ids, the same
 * number in flight, on a `noAsyncTraces` connection (its fastest: each `js.publish` is a request, which
 * otherwise builds an `Error` for its stack; the bus's publishes are not requests). No tracer or propagator is
 * registered, so neither side sends trace context. Consume: the runtime decodes, validates,
 * upcasts v1 to v2, builds the event and acks each message; the raw client receives the same
 * stored messages with the same prefetch, parses each body (`JSON.parse`, as any consumer must)
 * and acks it. The raw client without headers (and without message
 * ids) is the ceiling. Every phase uses fresh event ids (the duplicate window outlives a purge), and
 * checks that the stream holds what it should, so no figure can come from dropped duplicates.
 */
import { randomUUID } from "node:crypto";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect } from "@nats-io/transport-node";
import { registry, RecordCreatedV1 } from "@evc/seeds";
import { startNatsServer } from "@evc/runtime/testing";
import { inTurn, middle, ratio } from "./figures.js";
import { connect, type EncodedEvent, encodeEvent, type EventBus } from "@evc/runtime";

/** Events per second of the runtime and of the raw client, their ratio, and the raw client without headers. */
export interface Throughput {
  readonly runtime: number;
  readonly raw: number;
  readonly ratio: number;
  readonly rawNoHeaders: number;
}

/** Publish and consume figures of one run. */
export interface RuntimeFigures {
  readonly publish: Throughput;
  readonly consume: Throughput;
}

const stream = "LATECHFORCE";
const subjectFilter = "latechforce.table.*";
const prefetch = 256;

/** Run the publish and consume benchmarks `runs` times on a fresh server of our own, after a warm-up run, and return each run's figures. */
export async function benchRuntime(runs = 3, events = 20_000, inFlight = 1_000): Promise<RuntimeFigures[]> {
  await using server = await startNatsServer();
  const bus = await connect({ registry, servers: server.url, name: "bench-runtime", service: "bench-runtime" });
  const raw = await natsConnect({ servers: server.url, name: "bench-raw", noAsyncTraces: true });
  const js = jetstream(raw);
  const jsm = await jetstreamManager(raw);
  let consumers = 0;
  const phase = async (expected: number, run: () => Promise<unknown>): Promise<number> => {
    await jsm.streams.purge(stream);
    const rate = await timed(expected, run);
    const stored = (await jsm.streams.info(stream)).state.messages;
    if (stored !== expected) throw new Error(`benchmark phase stored ${stored} events instead of ${expected}`);
    return rate;
  };
  try {
    await measure(Math.ceil(events / 4));
    const figures: RuntimeFigures[] = [];
    for (let run = 0; run < runs; run++) figures.push(await measure(events, run % 2 === 1));
    return figures;
  } finally {
    await bus.close();
    await raw.close();
  }

  /** One run; the runtime and the raw client take turns at going first, so neither always meets the warmer server or, reading, the longer stream. */
  async function measure(events: number, rawFirst = false): Promise<RuntimeFigures> {
    const batch = makeEvents(events);
    const wire = encodeAll(makeEvents(events));
    const [runtimePublish, rawPublish] = await inTurn(
      rawFirst,
      () => phase(events, () => bus.publishBatch(batch, { maxInFlight: inFlight })),
      () => phase(events, () => pool(wire, inFlight, (message) => js.publish(message.subject, message.body, { msgID: message.id, headers: message.headers }))),
    );
    const bare = encodeAll(makeEvents(events));
    const ceilingPublish = await phase(events, () => pool(bare, inFlight, (message) => js.publish(message.subject, message.body)));

    await phase(events, () => bus.publishBatch(makeEvents(events), { maxInFlight: inFlight }));
    const [runtimeConsume, rawConsume] = await inTurn(
      rawFirst,
      () => timed(events, () => consumeWithRuntime(bus, events, `bench-runtime-${++consumers}`)),
      () => timed(events, () => consumeRaw(js, jsm, events, `bench-raw-${++consumers}`)),
    );
    const unheaded = encodeAll(makeEvents(events));
    await phase(events, () => pool(unheaded, inFlight, (message) => js.publish(message.subject, message.body)));
    const ceilingConsume = await timed(events, () => consumeRaw(js, jsm, events, `bench-raw-bare-${++consumers}`));

    return {
      publish: { runtime: runtimePublish, raw: rawPublish, ratio: ratio(runtimePublish / rawPublish), rawNoHeaders: ceilingPublish },
      consume: { runtime: runtimeConsume, raw: rawConsume, ratio: ratio(runtimeConsume / rawConsume), rawNoHeaders: ceilingConsume },
    };
  }
}

/** The median of each figure over several runs. */
export function medianFigures(runs: readonly RuntimeFigures[]): RuntimeFigures {
  const of = (pick: (figures: RuntimeFigures) => Throughput): Throughput => ({
    runtime: middle(runs.map((run) => pick(run).runtime)),
    raw: middle(runs.map((run) => pick(run).raw)),
    ratio: middle(runs.map((run) => pick(run).ratio)),
    rawNoHeaders: middle(runs.map((run) => pick(run).rawNoHeaders)),
  });
  return { publish: of((figures) => figures.publish), consume: of((figures) => figures.consume) };
}

function makeEvents(count: number): RecordCreatedV1[] {
  const tableId = "tbl-bench";
  return Array.from(
    { length: count },
    (_, index) =>
      new RecordCreatedV1({
        id: randomUUID(),
        aggregateId: tableId,
        timestamp: "2025-12-04T10:30:00Z",
        metadata: { correlationId: "bench", userId: "user-bench" },
        data: { tableId, recordId: `r-${index}`, fields: { name: "Ada Lovelace", email: "ada@example.com", n: index } },
      }),
  );
}

function encodeAll(events: readonly RecordCreatedV1[]): EncodedEvent[] {
  return events.map((event) => encodeEvent(RecordCreatedV1.contract, event as never, { source: "evc", trace: undefined }));
}

async function consumeWithRuntime(bus: EventBus, count: number, durable: string): Promise<void> {
  let seen = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const subscription = await bus.subscribe(
    "record-created",
    () => {
      if (++seen === count) done();
    },
    { durable, prefetch },
  );
  await finished;
  await bus.unsubscribe(subscription);
}

async function consumeRaw(js: JetStreamClient, jsm: JetStreamManager, count: number, durable: string): Promise<void> {
  await jsm.consumers.add(stream, { durable_name: durable, ack_policy: "explicit", filter_subject: subjectFilter });
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: prefetch });
  let seen = 0;
  for await (const message of messages) {
    JSON.parse(message.string());
    message.ack();
    if (++seen === count) break;
  }
}

async function pool<T>(items: readonly T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

async function timed(count: number, run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return Math.round(count / ((performance.now() - started) / 1000));
}

