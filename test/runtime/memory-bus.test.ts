/**
 * What only the in-memory bus has: a virtual clock, `settled()`, brokers shared by several buses,
 * round-robin sharing that is deterministic. What it shares with `EventBus` is in
 * `test/behaviour/`, run against both.
 */
import { describe, expect, test } from "vitest";
import { AutomationTriggered, RecordCreated, registry, type LatestEvents, type RecordCreatedV2 } from "@evc/seeds";
import { defaultDurableName, Header, type EventBusApi, type RuntimeMetrics } from "@evc/runtime";
import { createMetrics } from "@evc/runtime/metrics";
import { createMemoryBus, MemoryBusClosedError, NoStreamError } from "@evc/runtime/memory";
import { collect } from "../behaviour/bus-behaviour.js";
import { limitedRegistry as limited } from "../helpers/limited-registry.js";

const record = (bus: EventBusApi<LatestEvents>, recordId: string) =>
  bus.create(RecordCreated, { aggregateId: "contacts", data: { tableId: "contacts", recordId, fields: {}, createdBy: "ada" } });

const trigger = (bus: EventBusApi<LatestEvents>) =>
  bus.create(AutomationTriggered, { aggregateId: "welcome", data: { automationId: "welcome", triggerId: "t-1", runId: "run-1", triggerData: {} } });

/** A handler module written against `EventBusApi`: it runs on JetStream or in memory alike. */
async function welcomeNewContacts(bus: EventBusApi<LatestEvents>, welcomed: string[]): Promise<void> {
  await bus.subscribe(RecordCreated, async (created, context) => {
    welcomed.push(created.data.recordId);
    await bus.publish(context.create(AutomationTriggered, { aggregateId: "welcome", data: { automationId: "welcome", triggerId: "on-record", runId: `run-${created.data.recordId}`, triggerData: {} } }));
  });
}

describe("in-memory bus - virtual clock and settled()", () => {
  test("backoff passes in virtual time: minutes of redelivery delays end in a dead letter without waiting for them", async () => {
    const bus = createMemoryBus({ registry, service: "automations" });
    const attempts: number[] = [];
    await bus.subscribe(AutomationTriggered, (_event, context) => {
      attempts.push(context.deliveryCount);
      throw new Error("down");
    }, { maxDeliver: 3, backoffMs: [60_000, 120_000] });
    const before = bus.now();
    await bus.publish(trigger(bus));
    await bus.settled();
    expect(attempts).toEqual([1, 2, 3]);
    expect(bus.now() - before).toBe(180_000);
    expect((await bus.listDeadLetters("LATECHFORCE_DLQ")).map((letter) => letter.deliveries)).toEqual([3]);
    await bus.close();
  });

  test("on a real clock settled() waits for the redelivery", async () => {
    const bus = createMemoryBus({ registry, service: "automations", clock: "real" });
    const attempts: number[] = [];
    await bus.subscribe(AutomationTriggered, (_event, context) => {
      attempts.push(context.deliveryCount);
      if (context.deliveryCount === 1) throw new Error("once");
    }, { backoffMs: [10] });
    await bus.publish(trigger(bus));
    await bus.settled();
    expect(attempts).toEqual([1, 2]);
    await bus.close();
  });

  test("an open circuit defers deliveries in virtual time without counting them against maxDeliver", async () => {
    const bus = createMemoryBus({ registry, service: "automations" });
    let calls = 0;
    const subscription = await bus.subscribe(AutomationTriggered, () => {
      calls++;
      if (calls <= 2) throw new Error("down");
    }, { maxDeliver: 3, backoffMs: [0], circuitBreaker: { failureThreshold: 2, openMs: 5_000 } });
    const notifications = collect(subscription.status());
    const before = bus.now();
    await bus.publish(trigger(bus));
    await bus.settled();
    expect(calls).toBe(3);
    expect(notifications.flatMap((note) => (note.type === "circuit_state" ? [note.state] : []))).toEqual(["open", "half_open", "closed"]);
    expect(bus.now() - before).toBe(5_000);
    expect(await bus.listDeadLetters("LATECHFORCE_DLQ")).toEqual([]);
    await bus.close();
  });
});

describe("in-memory bus - metrics", () => {
  test("with metrics, it records what EventBus records: publishes by outcome, deliveries by outcome, handlers in flight, the circuit", async () => {
    const calls: string[] = [];
    const metrics: RuntimeMetrics = {
      published: (type, version, outcome) => void calls.push(`published ${type} v${version} ${outcome}`),
      consumed: (type, subscription, outcome, seconds) => void calls.push(`consumed ${type} ${subscription} ${outcome}${seconds === undefined ? "" : " timed"}`),
      inFlight: (subscription, delta) => void calls.push(`in flight ${subscription} ${delta}`),
      circuitOpen: (subscription, open) => void calls.push(`circuit ${subscription} ${open ? "open" : "closed"}`),
    };
    const bus = createMemoryBus({ registry, service: "automations", metrics });
    let handled = 0;
    await bus.subscribe(AutomationTriggered, () => {
      if (++handled <= 2) throw new Error("down");
    }, { durable: "counted", maxDeliver: 3, backoffMs: [0], circuitBreaker: { failureThreshold: 2, openMs: 5_000 } });
    const event = trigger(bus);
    await bus.publish(event);
    await bus.publish(event);
    await expect(bus.publishJson({ ...(event.toJSON() as object), id: "not-a-uuid" })).rejects.toThrow(/must match format "uuid"/);
    await bus.settled();
    expect(calls.filter((call) => call.startsWith("published"))).toEqual([
      "published automation-triggered v1 stored",
      "published automation-triggered v1 duplicate",
      "published automation-triggered v1 invalid",
    ]);
    expect(calls.filter((call) => !call.startsWith("published"))).toEqual([
      "in flight counted 1",
      "in flight counted -1",
      "consumed automation-triggered counted retried timed",
      "in flight counted 1",
      "in flight counted -1",
      // The second failure opens the circuit; its redelivery, due at once, waits out the open circuit.
      "circuit counted open",
      "consumed automation-triggered counted retried timed",
      "consumed automation-triggered counted deferred",
      // Half open is still not closed: the gauge stays at 1 until the probe succeeds.
      "circuit counted open",
      "in flight counted 1",
      "in flight counted -1",
      "circuit counted closed",
      "consumed automation-triggered counted handled timed",
    ]);
    await bus.close();
  });

  test("createMetrics' Prometheus metrics take the in-memory bus's records", async () => {
    const metrics = createMetrics();
    const bus = createMemoryBus({ registry, service: "automations", metrics });
    await bus.subscribe(AutomationTriggered, () => undefined, { durable: "counted" });
    await bus.publish(trigger(bus));
    await bus.settled();
    const text = await metrics.registry.metrics();
    expect(text).toContain('evc_events_published_total{type="automation-triggered",version="1",outcome="stored"} 1');
    expect(text).toContain('evc_events_consumed_total{type="automation-triggered",subscription="counted",outcome="handled"} 1');
    await bus.close();
  });
});

describe("in-memory bus - durables, brokers and services", () => {
  test("instances of one durable take turns, in order; a handler module typed with EventBusApi runs unchanged", async () => {
    const bus = createMemoryBus({ registry, service: "tables" });
    const turns: [string, string][] = [];
    for (const name of ["a", "b"]) await bus.subscribe(RecordCreated, (event) => void turns.push([name, event.data.recordId]), { durable: "shared" });
    const welcomed: string[] = [];
    await welcomeNewContacts(bus, welcomed);
    for (const id of ["r-1", "r-2", "r-3", "r-4"]) await bus.publish(record(bus, id));
    await bus.settled();
    expect(turns).toEqual([["a", "r-1"], ["b", "r-2"], ["a", "r-3"], ["b", "r-4"]]);
    expect(welcomed).toEqual(["r-1", "r-2", "r-3", "r-4"]);
    await bus.close();
  });

  test("two buses on one broker are two services: each service's default durable gets every event", async () => {
    const tables = createMemoryBus({ registry, service: "tables" });
    const audit = createMemoryBus({ registry, service: "audit", broker: tables.broker });
    const seen: string[] = [];
    const byTables = await tables.subscribe(RecordCreated, (event: RecordCreatedV2) => void seen.push(`tables:${event.data.recordId}`));
    const byAudit = await audit.subscribe(RecordCreated, (event) => void seen.push(`audit:${event.data.recordId}`));
    expect([byTables.options.durable, byAudit.options.durable]).toEqual([defaultDurableName("tables", "record-created"), defaultDurableName("audit", "record-created")]);
    await tables.publish(record(tables, "r-1"));
    await audit.settled();
    expect(seen.sort()).toEqual(["audit:r-1", "tables:r-1"]);
    await audit.close();
    await tables.close();
  });

  test("deliverPolicy new skips what was stored before the durable existed; all (the default) delivers it", async () => {
    const bus = createMemoryBus({ registry, service: "tables" });
    await bus.publish(record(bus, "old"));
    const fromAll: string[] = [];
    const fromNew: string[] = [];
    await bus.subscribe(RecordCreated, (event) => void fromAll.push(event.data.recordId), { durable: "all" });
    await bus.subscribe(RecordCreated, (event) => void fromNew.push(event.data.recordId), { durable: "new", deliverPolicy: "new" });
    await bus.publish(record(bus, "later"));
    await bus.settled();
    expect(fromAll).toEqual(["old", "later"]);
    expect(fromNew).toEqual(["later"]);
    await bus.close();
  });

  test("a closed bus refuses to publish; a subject on no stream is refused like JetStream refuses it", async () => {
    const bus = createMemoryBus({ registry, service: "tables" });
    expect(() => bus.broker.publish("nowhere.at.all", undefined, new Uint8Array(0), "id-1")).toThrowError(NoStreamError);
    await bus.close();
    await expect(bus.publish(record(bus, "r-1"))).rejects.toThrowError(MemoryBusClosedError);
  });
});

// The cases both buses share are in test/integration/stream-limits.test.ts.
describe("in-memory bus - stream limits in virtual time", () => {
  test("events a full stream removed before they were delivered never reach a running subscription", async () => {
    const bus = createMemoryBus({ registry: limited({ maxMsgs: 2, discard: "old" }), service: "contacts" });
    const seen: string[] = [];
    await bus.subscribe(RecordCreated, (created) => {
      seen.push(created.data.recordId);
    });
    const results = await bus.publishBatch(["r-1", "r-2", "r-3", "r-4"].map((id) => record(bus, id)));
    expect(results.every((result) => result.ok)).toBe(true);
    await bus.settled();
    expect(seen).toEqual(["r-3", "r-4"]);
  });

  test("an event that expires while its redelivery waits is not redelivered, nor dead-lettered", async () => {
    const bus = createMemoryBus({ registry: limited({ maxAgeMs: 60_000 }), service: "automations" });
    const attempts: number[] = [];
    await bus.subscribe(AutomationTriggered, (_event, context) => {
      attempts.push(context.deliveryCount);
      throw new Error("down");
    }, { maxDeliver: 3, backoffMs: [120_000] });
    await bus.publish(trigger(bus));
    await bus.settled();
    expect(attempts).toEqual([1]);
    expect(await bus.listDeadLetters("LATECHFORCE_DLQ")).toEqual([]);
    expect(bus.broker.streams.list("LATECHFORCE")).toEqual([]);
  });

  test("the CloudEvents source is the service the bus was made for unless connect names one", async () => {
    const sourceOf = async (options: { service?: string; source?: string }) => {
      const bus = createMemoryBus({ registry, ...options });
      await bus.publish(trigger(bus));
      const [stored] = bus.broker.streams.list("LATECHFORCE");
      await bus.close();
      return stored?.headers?.get(Header.source);
    };
    expect(await sourceOf({ service: "automations" })).toBe("automations");
    expect(await sourceOf({ service: "automations", source: "urn:shop" })).toBe("urn:shop");
    expect(await sourceOf({})).toBe("evc");
  });
});
