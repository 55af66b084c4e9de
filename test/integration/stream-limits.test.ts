/**
 * A stream's limits, the same on both buses (a real nats-server, and the in-memory bus): past
 * `maxMsgs` or `maxBytes` a stream that discards old events removes the oldest, which a consumer
 * never gets; one that discards new events refuses the publish with `StreamFullError` at once,
 * having stored nothing (NATS.js reports a 503 that the runtime used to retry for a minute and
 * then call a timeout that "may have been stored"); `maxAgeMs` removes events as they age. And a
 * read of a JetStream stream ends when the messages it waits for expire instead of waiting forever.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, test } from "vitest";
import { RecordCreated, type LatestEvents, type RecordCreatedV2 } from "@evc/seeds";
import { connect, EventHistory, StreamFullError, type EventBusApi, type HistoryHost, type Registry, type StreamSpec } from "@evc/runtime";
import { createMemoryBus } from "@evc/runtime/memory";
import { readStream } from "../../runtime/stream-reader.js";
import { limitedRegistry as limited } from "../helpers/limited-registry.js";
import { startNatsServer } from "../helpers/nats-server.js";
import { until } from "../helpers/until.js";

type Bus = EventBusApi<LatestEvents> & HistoryHost;

/** A bus of each kind over a registry; `close` ends what it started. */
const buses: Record<string, (registry: Registry<LatestEvents>) => Promise<{ bus: Bus; close: () => Promise<void> }>> = {
  JetStream: async (limitedRegistry) => {
    const server = await startNatsServer();
    const bus = await connect({ registry: limitedRegistry, servers: server.url, name: "evc-limits", service: "evc-limits" });
    return {
      bus,
      close: async () => {
        await bus.close();
        await server[Symbol.asyncDispose]();
      },
    };
  },
  "in memory": async (limitedRegistry) => {
    const bus = createMemoryBus({ registry: limitedRegistry, service: "evc-limits", clock: "real" });
    return { bus, close: () => bus.close() };
  },
};

describe.each(Object.entries(buses))("stream limits - %s", (_, open) => {
  let close: () => Promise<void> = async () => undefined;
  afterEach(() => close());

  const started = async (limits: Partial<StreamSpec>): Promise<Bus> => {
    const opened = await open(limited(limits));
    close = opened.close;
    return opened.bus;
  };
  const record = (bus: Bus, note = "") =>
    bus.create(RecordCreated, { aggregateId: "tbl-limits", data: { tableId: "tbl-limits", recordId: `r-${randomUUID().slice(0, 8)}`, fields: { note }, createdBy: "ada" } });
  const storedIds = async (bus: Bus) => (await new EventHistory(bus).query({ type: "record-created" })).map((stored) => (stored.event as RecordCreatedV2).id);

  test("past maxMsgs, a stream that discards old events keeps the newest; a consumer gets only those", async () => {
    const bus = await started({ maxMsgs: 3, discard: "old" });
    const events = [record(bus), record(bus), record(bus), record(bus), record(bus)];
    for (const event of events) await bus.publish(event);
    const kept = events.slice(2).map((event) => event.id);
    expect(await storedIds(bus)).toEqual(kept);
    const handled: string[] = [];
    await bus.subscribe(RecordCreated, (event) => {
      handled.push(event.id);
    }, { durable: `limits-${randomUUID().slice(0, 8)}` });
    await until(() => handled.length >= 3, "the kept events");
    expect(handled).toEqual(kept);
  });

  test("past maxMsgs, a stream that discards new events refuses the event with StreamFullError and stores nothing", async () => {
    const bus = await started({ maxMsgs: 2, discard: "new" });
    const [first, second, third] = [record(bus), record(bus), record(bus)];
    await bus.publish(first);
    await bus.publish(second);
    const refused = await bus.publish(third).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StreamFullError);
    expect(refused).toMatchObject({ id: third.id, stream: "LATECHFORCE", subject: "latechforce.table.tbl-limits", reason: "maximum messages exceeded" });
    expect((refused as Error).message).toContain("nothing was stored");
    expect(await storedIds(bus)).toEqual([first.id, second.id]);
  });

  test("past maxBytes, a stream that discards new events refuses the event with StreamFullError", async () => {
    // Each event is about 1.4 kB with its headers, on either bus's count: one fits in 2,000 bytes, two do not.
    const bus = await started({ maxBytes: 2_000, discard: "new" });
    const first = record(bus, "x".repeat(600));
    await bus.publish(first);
    await expect(bus.publish(record(bus, "y".repeat(600)))).rejects.toMatchObject({ name: "StreamFullError", reason: "maximum bytes exceeded" });
    expect(await storedIds(bus)).toEqual([first.id]);
  });

  test("maxAgeMs removes events once they are older", async () => {
    const bus = await started({ maxAgeMs: 500, duplicateWindowMs: 100 });
    await bus.publish(record(bus));
    expect(await storedIds(bus)).toHaveLength(1);
    await until(async () => (await storedIds(bus)).length === 0, "the event to expire", 10_000);
    const fresh = record(bus);
    await bus.publish(fresh);
    expect(await storedIds(bus)).toEqual([fresh.id]);
  });
});

describe("reading a JetStream stream whose messages expire during the read", () => {
  test("the read ends with what it got instead of waiting forever for messages that expired", async () => {
    await using server = await startNatsServer();
    const bus = await connect({ registry: limited({ maxAgeMs: 1_000, duplicateWindowMs: 100 }), servers: server.url, name: "evc-expiry", service: "evc-expiry" });
    try {
      const events = [1, 2, 3].map(() => bus.create(RecordCreated, { aggregateId: "tbl-expiry", data: { tableId: "tbl-expiry", recordId: "r", fields: {}, createdBy: "ada" } }));
      for (const event of events) await bus.publish(event);
      // One message buffered at a time: the third cannot reach the client before the pause.
      const read = readStream(bus.jetstream, { stream: "LATECHFORCE", filter: "latechforce.table.tbl-expiry", start: undefined, endSeq: undefined, batch: 1 });
      const seqs: number[] = [];
      for await (const message of read) {
        seqs.push(message.seq);
        if (seqs.length === 1) await new Promise((resolve) => setTimeout(resolve, 2_500));
      }
      expect(seqs[0]).toBe(1);
      expect(seqs.length).toBeLessThan(3);
      expect((await bus.manager.streams.info("LATECHFORCE")).state.messages).toBe(0);
    } finally {
      await bus.close();
    }
  });
});
