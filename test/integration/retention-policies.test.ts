/**
 * A stream's retention policy, the same on both buses (a real nats-server, and the in-memory bus).
 * `workqueue`: each event goes to one consumer and is removed once handled; a second service asking
 * for the same subjects is refused with `WorkQueueConsumerError` (JetStream answered "filtered
 * consumer not unique on workqueue stream"), and reading the stream back with
 * `StreamNotReadableError` (JetStream answered "consumer in pull mode requires ack policy").
 * `interest`: an event no consumer wants is not kept, and one is removed once every service that
 * wants it has handled it. Before, the in-memory bus kept every event of every stream.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, test } from "vitest";
import { RecordCreated, type LatestEvents } from "@evc/seeds";
import { connect, EventHistory, StreamNotReadableError, WorkQueueConsumerError, type EventBusApi, type HistoryHost, type StreamSpec } from "@evc/runtime";
import { createMemoryBus, MemoryBroker } from "@evc/runtime/memory";
import { limitedRegistry } from "../helpers/limited-registry.js";
import { startNatsServer } from "../helpers/nats-server.js";
import { until } from "../helpers/until.js";

type Bus = EventBusApi<LatestEvents> & HistoryHost;

/** Services on one server (or broker) whose LATECHFORCE stream has a retention policy, and how many events that stream holds. */
interface Deployment {
  service(name: string): Promise<Bus>;
  stored(): Promise<number>;
  close(): Promise<void>;
}

const deployments: Record<string, (retention: StreamSpec["retention"]) => Promise<Deployment>> = {
  JetStream: async (retention) => {
    const server = await startNatsServer();
    const buses: Bus[] = [];
    return {
      service: async (name) => {
        const bus = await connect({ registry: limitedRegistry({ retention }), servers: server.url, service: name });
        buses.push(bus);
        return bus;
      },
      stored: async () => (await (buses[0] as Awaited<ReturnType<typeof connect>>).manager.streams.info("LATECHFORCE")).state.messages,
      close: async () => {
        for (const bus of buses) await bus.close();
        await server[Symbol.asyncDispose]();
      },
    };
  },
  "in memory": async (retention) => {
    const registry = limitedRegistry({ retention });
    const broker = new MemoryBroker(registry.topology, "real");
    const buses: Bus[] = [];
    return {
      service: async (name) => {
        const bus = createMemoryBus({ registry, service: name, broker });
        buses.push(bus);
        return bus;
      },
      stored: async () => broker.streams.list("LATECHFORCE").length,
      close: async () => {
        for (const bus of buses) await bus.close();
        broker.close();
      },
    };
  },
};

describe.each(Object.entries(deployments))("retention policies - %s", (_, deploy) => {
  let deployment: Deployment | undefined;
  afterEach(() => deployment?.close());

  const record = (bus: Bus) => bus.create(RecordCreated, { aggregateId: "tbl-retention", data: { tableId: "tbl-retention", recordId: `r-${randomUUID().slice(0, 8)}`, fields: {}, createdBy: "ada" } });
  const handledBy = async (bus: Bus, handled: string[], options: { durable?: string } = {}) =>
    bus.subscribe(RecordCreated, (event) => {
      handled.push(event.id);
    }, options);

  test("workqueue: each event goes to one consumer and is removed once handled; instances under one durable share the work", async () => {
    deployment = await deploy("workqueue");
    const billing = await deployment.service("billing");
    const events = [record(billing), record(billing), record(billing), record(billing)];
    for (const event of events) await billing.publish(event);
    expect(await deployment.stored()).toBe(4);
    const handled: string[] = [];
    await handledBy(billing, handled);
    // A second instance of the same service shares the consumer.
    await handledBy(await deployment.service("billing"), handled);
    await until(() => handled.length === 4, "every event handled");
    await until(async () => (await deployment?.stored()) === 0, "the handled events to be removed");
    expect([...handled].sort()).toEqual(events.map((event) => event.id).sort());
  });

  test("workqueue: a second service asking for the same events is refused with WorkQueueConsumerError; reading the stream back with StreamNotReadableError", async () => {
    deployment = await deploy("workqueue");
    const billing = await deployment.service("billing");
    await billing.publish(record(billing));
    await handledBy(billing, []);
    const audit = await deployment.service("audit");
    const refused = await handledBy(audit, []).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkQueueConsumerError);
    expect(refused).toMatchObject({ stream: "LATECHFORCE", durable: "audit-record-created" });
    expect((refused as Error).message).toContain("subscribe under that consumer's durable name");
    const unreadable = await new EventHistory(billing).query({ type: "record-created" }).catch((error: unknown) => error);
    expect(unreadable).toBeInstanceOf(StreamNotReadableError);
    expect((unreadable as Error).message).toContain('stream "LATECHFORCE" has workqueue retention');
  });

  test("interest: an event no consumer wants is not kept; one is removed once every service that wants it has handled it", async () => {
    deployment = await deploy("interest");
    const billing = await deployment.service("billing");
    await billing.publish(record(billing));
    expect(await deployment.stored()).toBe(0);
    const billed: string[] = [];
    const audited: string[] = [];
    await handledBy(billing, billed);
    await handledBy(await deployment.service("audit"), audited);
    const event = record(billing);
    await billing.publish(event);
    await until(() => billed.length === 1 && audited.length === 1, "both services to handle the event");
    expect([billed, audited]).toEqual([[event.id], [event.id]]);
    await until(async () => (await deployment?.stored()) === 0, "the event to be removed");
  });
});
