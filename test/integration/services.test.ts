import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { connect, ConnectError, type EventBus } from "@evc/runtime";
import { startNatsServer } from "../helpers/nats-server.js";
import { useBus } from "../helpers/bus.js";
import { until } from "../helpers/until.js";

const fixture = useBus({ reset: false });
const buses: EventBus[] = [];

beforeAll(async () => {
  for (const service of ["billing", "shipping"]) buses.push(await connect({ registry: sdk.registry, servers: fixture.server.url, name: service, service, provision: false }));
});

afterAll(async () => {
  for (const bus of buses) await bus.close();
});

describe("services - durable consumers are per service", () => {
  test("two services that subscribe without a durable name each get every event, on consumers of their own", async () => {
    const [billing, shipping] = buses as [EventBus, EventBus];
    const agentId = `agent-${randomUUID().slice(0, 8)}`;
    const events = Array.from({ length: 10 }, () => billing.create(sdk.AgentRegistered, { aggregateId: agentId, data: { agent_id: agentId, model: "m", capabilities: [] } }));
    await billing.publishBatch(events);
    const seen = { billing: new Set<string>(), shipping: new Set<string>() };
    const subscriptions = [
      await billing.subscribe(sdk.AgentRegistered, (event) => void seen.billing.add(event.id)),
      await shipping.subscribe(sdk.AgentRegistered, (event) => void seen.shipping.add(event.id)),
    ];
    await until(() => seen.billing.size === 10 && seen.shipping.size === 10, "both services to see all ten events");
    expect(subscriptions.map((subscription) => subscription.options.durable)).toEqual(["billing-agent_registered", "shipping-agent_registered"]);
    for (const [bus, subscription] of [[billing, subscriptions[0]], [shipping, subscriptions[1]]] as const) if (subscription !== undefined) await bus.unsubscribe(subscription, { removeConsumers: true });
  });

  test("without a service name at connect, a subscription must name its durable consumer", async () => {
    const anonymous = await connect({ registry: sdk.registry, servers: fixture.server.url, provision: false });
    try {
      await expect(anonymous.subscribe("task.created", () => undefined)).rejects.toThrowError(/invalid argument "durable": a durable consumer name .* or a service name at connect/);
    } finally {
      await anonymous.close();
    }
    await expect(connect({ registry: sdk.registry, servers: fixture.server.url, service: "has space", provision: false })).rejects.toThrowError(/invalid argument "service"/);
  });
});

describe("connect - a cluster without a JetStream leader", () => {
  test("is a clear ConnectError, not 'JetStream is not enabled'", async () => {
    await using lonely = await startNatsServer({ config: ['cluster { name: "evc-lonely", listen: "127.0.0.1:-1", routes: ["nats-route://127.0.0.1:1", "nats-route://127.0.0.1:2"] }'] });
    const failure = await connect({ registry: sdk.registry, servers: lonely.url, provision: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectError);
    expect((failure as Error).message).toMatch(/did not answer .*: it has no leader yet \(a cluster still electing its meta leader/);
  });
});
