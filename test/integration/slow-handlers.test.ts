/**
 * Slow handlers on a real nats-server. JetStream starts a message's ack timer when it delivers the
 * message; before the pull feed, messages that waited in NATS.js's buffer behind slow handlers ran
 * past `ack_wait` and were delivered and handled again (ten events with a 1 s ack wait and 400 ms
 * handlers were handled fifteen times), and a handler that ran longer than `ack_wait` saw its event
 * delivered again while it still ran. Now held messages are kept alive until handled, and a
 * handler's deadline is `handlerTimeoutMs`: past it the delivery fails with `HandlerTimeoutError` and
 * the handler's signal is aborted. The in-memory bus keeps the same deadline.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, test } from "vitest";
import { RecordCreated, type LatestEvents, type RecordCreatedV2 } from "@evc/seeds";
import { HandlerTimeoutError, type EventBus, type EventBusApi, type Registry, type StreamSpec } from "@evc/runtime";
import { createMemoryBus } from "@evc/runtime/memory";
import { limitedRegistry } from "../helpers/limited-registry.js";
import { useOwnServerBuses } from "../helpers/bus.js";
import { until } from "../helpers/until.js";

type Bus = EventBusApi<LatestEvents>;

/** The seed registry whose LATECHFORCE consumers wait `ackWaitMs` for an ack and try each event twice, a second apart. */
function registryWaiting(ackWaitMs: number): Registry<LatestEvents> {
  const consumer: Partial<StreamSpec> = { consumer: { ackWaitMs, maxDeliver: 2, backoffMs: [1_000], maxAckPending: 1_000 } };
  return limitedRegistry(consumer);
}

const openBus = useOwnServerBuses();
let cleanup: () => Promise<void> = async () => undefined;
afterEach(() => cleanup());

function jetStreamBus(ackWaitMs: number): Promise<EventBus<LatestEvents>> {
  return openBus(registryWaiting(ackWaitMs), "evc-slow");
}

const record = (bus: Bus) => bus.create(RecordCreated, { aggregateId: "tbl-slow", data: { tableId: "tbl-slow", recordId: `r-${randomUUID().slice(0, 8)}`, fields: {}, createdBy: "ada" } });

describe("slow handlers on JetStream", () => {
  test("events waiting behind slow handlers are each handled once, on their first delivery", async () => {
    const bus = await jetStreamBus(1_000);
    const events = Array.from({ length: 10 }, () => record(bus));
    for (const event of events) await bus.publish(event);
    const handled: { id: string; deliveryCount: number }[] = [];
    await bus.subscribe(RecordCreated, async (event, context) => {
      handled.push({ id: (event as RecordCreatedV2).id, deliveryCount: context.deliveryCount });
      await sleep(400);
    });
    await until(() => handled.length >= events.length, "every event handled");
    // Long enough for any delivery past the ack wait to come back.
    await sleep(1_500);
    expect(handled).toEqual(events.map((event) => ({ id: event.id, deliveryCount: 1 })));
  }, 30_000);

  test("a subscription holds at most prefetch messages beside those its handlers run: the rest wait on the server", async () => {
    const bus = await jetStreamBus(30_000);
    for (let index = 0; index < 30; index++) await bus.publish(record(bus));
    let handled = 0;
    const pending: number[] = [];
    await bus.subscribe(
      RecordCreated,
      async () => {
        const info = await bus.manager.consumers.info("LATECHFORCE", "evc-slow-record-created");
        pending.push(info.num_ack_pending);
        await sleep(20);
        handled++;
      },
      { prefetch: 4, concurrency: 2 },
    );
    await until(() => handled === 30, "every event handled");
    expect(pending).toHaveLength(30);
    // Ahead of the handlers (4), run by them (2), and handled with their acks on the way (at most one per handler).
    expect(Math.max(...pending)).toBeLessThanOrEqual(4 + 2 + 2);
    expect(Math.max(...pending)).toBeGreaterThanOrEqual(2);
  }, 30_000);

  test("a concurrency above prefetch runs that many handlers at once", async () => {
    const bus = await jetStreamBus(30_000);
    for (let index = 0; index < 8; index++) await bus.publish(record(bus));
    let running = 0;
    let most = 0;
    let handled = 0;
    await bus.subscribe(
      RecordCreated,
      async () => {
        most = Math.max(most, ++running);
        await sleep(300);
        running--;
        handled++;
      },
      { prefetch: 2, concurrency: 8 },
    );
    await until(() => handled === 8, "every event handled");
    expect(most).toBe(8);
  }, 30_000);

  test("a handler that runs longer than the ack wait, within its handlerTimeoutMs, is not delivered its event again", async () => {
    const bus = await jetStreamBus(1_000);
    const event = record(bus);
    await bus.publish(event);
    const deliveries: number[] = [];
    let finished = false;
    await bus.subscribe(
      RecordCreated,
      async (_, context) => {
        deliveries.push(context.deliveryCount);
        await sleep(3_000);
        finished = true;
      },
      { handlerTimeoutMs: 10_000 },
    );
    await until(() => finished, "the handler to finish");
    await sleep(1_500);
    expect(deliveries).toEqual([1]);
  }, 30_000);

  test("past handlerTimeoutMs the delivery fails with HandlerTimeoutError, the handler's signal is aborted, and the event comes again", async () => {
    const bus = await jetStreamBus(5_000);
    await bus.publish(record(bus));
    const seen: { deliveryCount: number; aborted: Promise<unknown> }[] = [];
    const subscription = await bus.subscribe(
      RecordCreated,
      async (_, context) => {
        const aborted = new Promise((resolve) => context.signal.addEventListener("abort", () => resolve(context.signal.reason), { once: true }));
        seen.push({ deliveryCount: context.deliveryCount, aborted });
        if (context.deliveryCount === 1) await sleep(60_000, undefined, { ref: false });
      },
      { handlerTimeoutMs: 300 },
    );
    const failures: unknown[] = [];
    void (async () => {
      for await (const note of subscription.status()) if (note.type === "handler_failed") failures.push(note.error);
    })();
    await until(() => seen.length === 2, "the event to come again after the timeout");
    expect(seen.map((entry) => entry.deliveryCount)).toEqual([1, 2]);
    expect(await seen[0]?.aborted).toBeInstanceOf(HandlerTimeoutError);
    expect(failures[0]).toBeInstanceOf(HandlerTimeoutError);
    expect((failures[0] as Error).message).toContain("300 ms");
  }, 30_000);
});

describe("slow handlers in memory", () => {
  test("past handlerTimeoutMs the delivery fails with HandlerTimeoutError and the signal is aborted; a handler within it succeeds", async () => {
    const bus = createMemoryBus({ registry: registryWaiting(30_000), service: "evc-slow" });
    cleanup = () => bus.close();
    const seen: { deliveryCount: number; signal: AbortSignal }[] = [];
    const subscription = await bus.subscribe(
      RecordCreated,
      async (_, context) => {
        seen.push({ deliveryCount: context.deliveryCount, signal: context.signal });
        if (context.deliveryCount === 1) await sleep(60_000, undefined, { ref: false });
        else await sleep(50);
      },
      { handlerTimeoutMs: 200 },
    );
    const notes: string[] = [];
    void (async () => {
      for await (const note of subscription.status()) notes.push(note.type === "handler_failed" ? `${note.type}: ${note.error.name}` : note.type);
    })();
    await bus.publish(record(bus));
    await bus.settled();
    expect(seen.map((entry) => entry.deliveryCount)).toEqual([1, 2]);
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(seen[0]?.signal.reason).toBeInstanceOf(HandlerTimeoutError);
    expect(seen[1]?.signal.aborted).toBe(false);
    expect(notes).toEqual(["handler_failed: HandlerTimeoutError"]);
  });
});

describe("subscription options", () => {
  test.each([
    ["concurrency", 0, 'invalid argument "concurrency": a positive integer for the subscription to "record-created", not 0'],
    ["prefetch", 1.5, 'invalid argument "prefetch": a positive integer for the subscription to "record-created", not 1.5'],
    ["maxDeliver", 0, 'invalid argument "maxDeliver": a positive integer for the subscription to "record-created", not 0'],
    ["backoffMs", [100, -1], 'invalid argument "backoffMs": a list of pauses in milliseconds, each 0 or more, for the subscription to "record-created", not [100, -1]'],
    ["backoffMs", 100, 'invalid argument "backoffMs": a list of pauses in milliseconds, each 0 or more, for the subscription to "record-created", not 100'],
    ["ackWaitMs", -1, 'invalid argument "ackWaitMs": a positive number of milliseconds for the subscription to "record-created", not -1'],
    ["handlerTimeoutMs", Number.NaN, 'invalid argument "handlerTimeoutMs": a positive number of milliseconds for the subscription to "record-created", not NaN'],
  ])("a %s of %s is refused, saying what was expected", async (name, value, message) => {
    const bus = createMemoryBus({ registry: registryWaiting(30_000), service: "evc-slow" });
    cleanup = () => bus.close();
    await expect(bus.subscribe(RecordCreated, () => undefined, { [name]: value })).rejects.toThrow(message);
  });
});
