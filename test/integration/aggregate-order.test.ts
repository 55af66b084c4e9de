/**
 * Subscriptions in aggregate order on a real nats-server: a failed event waits out its backoff in
 * place, held (its ack timer kept from running out) with the later events of its aggregate, and a
 * subscription that stops meanwhile hands them back so that they come again in stream order.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { RecordCreated, type LatestEvents } from "@evc/seeds";
import type { EventBus, StreamSpec } from "@evc/runtime";
import { useOwnServerBuses } from "../helpers/bus.js";
import { limitedRegistry } from "../helpers/limited-registry.js";
import { until } from "../helpers/until.js";

const openBus = useOwnServerBuses();

/** A bus on a server of its own whose LATECHFORCE consumers wait `ackWaitMs` for an ack and pause `backoffMs` before a retry. */
async function busWith(ackWaitMs: number, backoffMs: number): Promise<EventBus<LatestEvents>> {
  const consumer: Partial<StreamSpec> = { consumer: { ackWaitMs, maxDeliver: 5, backoffMs: [backoffMs], maxAckPending: 1_000 } };
  return openBus(limitedRegistry(consumer), "evc-ordered");
}

/** `count` events of one table, published in order; `name` tells them apart as a1, a2, a3, ... */
async function publishThree(bus: EventBus<LatestEvents>, count = 3): Promise<(id: string) => string> {
  const table = `tbl-${randomUUID().slice(0, 8)}`;
  const events = Array.from({ length: count }, (_, index) => bus.create(RecordCreated, { aggregateId: table, data: { tableId: table, recordId: `r-${index}`, fields: {}, createdBy: "ada" } }));
  for (const event of events) await bus.publish(event);
  return (id) => `a${events.findIndex((event) => event.id === id) + 1}`;
}

describe("subscriptions in aggregate order on JetStream", () => {
  test("a retry waiting in place past the ack wait keeps its event and the later ones from being delivered again", async () => {
    const bus = await busWith(1_000, 2_500);
    const name = await publishThree(bus);
    const seen: string[] = [];
    await bus.subscribe(RecordCreated, (event, context) => {
      seen.push(`${name(event.id)}#${context.deliveryCount}`);
      if (name(event.id) === "a1" && context.deliveryCount === 1) throw new Error("a hiccup");
    }, { ordering: "aggregate" });
    await until(() => seen.length >= 4, "the retry and the later events", 10_000);
    // Past another ack wait: a delivery the server made again would show here.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(seen).toEqual(["a1#1", "a1#2", "a2#1", "a3#1"]);
  }, 20_000);

  test("a subscription that stops while a retry waits hands its events back in order, the retry first", async () => {
    // An ack wait far past the wait below: events that were not handed back (or were lost to the server) come only after it, and fail the test.
    const bus = await busWith(120_000, 1_500);
    const name = await publishThree(bus);
    const first: string[] = [];
    const stopping = await bus.subscribe(RecordCreated, (event) => {
      first.push(name(event.id));
      throw new Error("down");
    }, { ordering: "aggregate", durable: "ordered" });
    await until(() => first.length === 1, "the first try");
    await bus.unsubscribe(stopping);
    // The handed-back events fall due about 5.25 s after the first subscription's last pull; the new subscription's first pull, a second
    // later, expires (5 s) well after that, so they do not fall due at its expiry, which nats-server before 2.10.16 may drop them at (below).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const second: string[] = [];
    await bus.subscribe(RecordCreated, (event, context) => void second.push(`${name(event.id)}#${context.deliveryCount}`), { ordering: "aggregate", durable: "ordered" });
    // The events come back once the pulls the first subscription left expire (5 s) and the retry's backoff has passed; a loaded machine may take a while longer.
    // nats-server before 2.10.16 may drop a redelivery that falls due as the only open pull expires: it comes after the ack wait,
    // and the consumer delivers its last event again ("a2#2, a3#2, a3#1"); a timeout names what came.
    await until(() => second.length === 3, "the three events again", 30_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; came: ${second.join(", ") || "none"}`, { cause: error });
    });
    expect(first).toEqual(["a1"]);
    expect(second).toEqual(["a1#2", "a2#2", "a3#2"]);
  }, 45_000);

  test("a bus stopped and started while an aggregate's first event runs hands the later ones back once each, in order, past the pulls it stopped", async () => {
    const bus = await busWith(30_000, 100);
    const name = await publishThree(bus);
    const seen: string[] = [];
    await bus.subscribe(
      RecordCreated,
      async (event, context) => {
        seen.push(`${name(event.id)}#${context.deliveryCount}`);
        if (name(event.id) === "a1") await new Promise((resolve) => setTimeout(resolve, 500));
      },
      { ordering: "aggregate", durable: "restarted", concurrency: 4 },
    );
    await until(() => seen.length === 1, "the first event to run");
    await bus.stop();
    await bus.start();
    // Handed back while the stopped pulls were still open on the server, a2 would wait out the ack wait (30 s) and a3 come twice.
    await until(() => seen.length === 3, "the two events handed back", 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(seen).toEqual(["a1#1", "a2#2", "a3#2"]);
  }, 30_000);

  test("a handler that fails while its subscription stops does not hold the stop for its minute of backoff; events never pulled may come before those handed back", async () => {
    const bus = await busWith(30_000, 60_000);
    const name = await publishThree(bus, 4);
    let fail: () => void = () => undefined;
    const failing = new Promise<void>((resolve) => (fail = resolve));
    const first: string[] = [];
    const stopping = await bus.subscribe(RecordCreated, async (event) => {
      first.push(name(event.id));
      await failing;
      throw new Error("down");
    }, { ordering: "aggregate", durable: "stopping", prefetch: 1, concurrency: 1 });
    await until(() => first.length === 1, "the first try");
    const stopped = bus.unsubscribe(stopping);
    fail();
    // Were the retry's minute waited out, this would pass the test's time limit.
    await stopped;
    const second: string[] = [];
    await bus.subscribe(RecordCreated, (event, context) => void second.push(`${name(event.id)}#${context.deliveryCount}`), { ordering: "aggregate", durable: "stopping" });
    await until(() => second.length === 2, "the events never pulled", 10_000);
    expect(first).toEqual(["a1"]);
    // a1 and a2 come again once the minute is over; JetStream does not hold a3 and a4 behind them.
    expect(second).toEqual(["a3#1", "a4#1"]);
  }, 20_000);
});
