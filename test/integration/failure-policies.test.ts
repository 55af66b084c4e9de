import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { connect, listDeadLetters, PermanentFailure, TransientFailure, type EventBus, type JetStreamTopology, type SubscriptionNotification } from "@evc/runtime";
import { createRegistry } from "@evc/runtime/codegen";
import { useBus } from "../helpers/bus.js";
import { notifiedAfter } from "../helpers/notifications.js";

const fixture = useBus({ reset: true });

function recordCreated() {
  const tableId = `tbl-${randomUUID().slice(0, 8)}`;
  return new sdk.RecordCreatedV2({
    id: randomUUID(),
    aggregateId: tableId,
    timestamp: new Date().toISOString(),
    metadata: {},
    data: { tableId, recordId: "r-1", fields: {}, createdBy: "user-ada" },
  });
}

/** Run `use` with a bus whose LATECHFORCE stream declares one more dead-letter category, `flaky-dependency`: two deliveries, 20 ms apart. */
async function withFlakyCategory(use: (bus: EventBus) => Promise<void>): Promise<void> {
  const topology: JetStreamTopology = {
    ...sdk.registry.topology,
    streams: sdk.registry.topology.streams.map((stream) =>
      stream.name !== "LATECHFORCE" ? stream : { ...stream, deadLetter: { ...stream.deadLetter, policies: [{ category: "flaky-dependency", events: [], onFailure: "retry", maxDeliver: 2, backoffMs: [20] }] } },
    ),
  };
  const bus = await connect({ registry: createRegistry({ contracts: sdk.registry.contracts(), topology }), servers: fixture.server.url, service: "policies", provision: false });
  try {
    await use(bus);
  } finally {
    await bus.close();
  }
}

describe("runtime - non-retryable failures and dead-letter policies by category", () => {
  test("a handler throwing PermanentFailure is dead-lettered at its first delivery with its reason and category", async () => {
    const event = recordCreated();
    const deliveries: number[] = [];
    const subscription = await fixture.bus.subscribe(
      "record-created",
      (_event, context) => {
        deliveries.push(context.deliveryCount);
        throw new PermanentFailure("the table was deleted; this record can never be indexed", { category: "invalid-input" });
      },
      { durable: "permanent" },
    );
    const notification = await notifiedAfter(subscription, "dead_lettered", () => fixture.bus.publish(event));
    expect(notification).toMatchObject({ reason: "the table was deleted; this record can never be indexed", category: "invalid-input", poison: true, deliveryCount: 1 });
    expect(deliveries).toEqual([1]);
    await fixture.bus.unsubscribe(subscription);
    const [letter, ...others] = await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 10);
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ reason: "the table was deleted; this record can never be indexed", error: "PermanentFailure", category: "invalid-input", poison: true, deliveries: 1, eventId: event.id });
  });

  test("a category the spec discards (notification-signal) is terminated at once, without a dead letter", async () => {
    const read = fixture.bus.create("notification_read", {
      aggregateId: "n-1",
      metadata: {},
      data: { notification_id: "n-1", user_id: "u-1", read_at: "2025-01-01T10:00:00Z" },
    });
    let calls = 0;
    const subscription = await fixture.bus.subscribe(
      "notification_read",
      () => {
        calls++;
        throw new Error("the websocket of u-1 is gone");
      },
      { durable: "signals" },
    );
    const notification = await notifiedAfter(subscription, "discarded", () => fixture.bus.publish(read));
    expect(notification).toMatchObject({ reason: "the websocket of u-1 is gone", category: "notification-signal", deliveryCount: 1 });
    expect(calls).toBe(1);
    await fixture.bus.unsubscribe(subscription);
    expect(await listDeadLetters(fixture.bus.manager, "INTEGR8SCODE_DLQ", 10)).toEqual([]);
    expect((await fixture.bus.manager.consumers.info("INTEGR8SCODE", "signals")).num_ack_pending).toBe(0);
  });

  test("a category the spec dead-letters immediately (security) takes plain errors of its event types too", async () => {
    const subscription = await fixture.bus.subscribe("security_violation", () => {
      throw new Error("audit store refused the write");
    }, { durable: "audit" });
    const notification = await notifiedAfter(subscription, "dead_lettered", () =>
      fixture.bus.publish(fixture.bus.create("security_violation", { aggregateId: "u-9", metadata: {}, data: { violation_type: "path_traversal", details: "../../etc/passwd" } })),
    );
    expect(notification).toMatchObject({ reason: "audit store refused the write", category: "security", poison: true, deliveryCount: 1 });
    await fixture.bus.unsubscribe(subscription);
    const [letter] = await listDeadLetters(fixture.bus.manager, "INTEGR8SCODE_DLQ", 10);
    expect(letter).toMatchObject({ category: "security", error: "Error", deliveries: 1, type: "security_violation" });
  });

  test("a TransientFailure's category sets its retries: two deliveries where the stream's consumers allow three", async () => {
    await withFlakyCategory(async (bus) => {
      const deliveries: number[] = [];
      const subscription = await bus.subscribe(
        "record-created",
        (_event, context) => {
          deliveries.push(context.deliveryCount);
          throw new TransientFailure("the search index is rebuilding", { category: "flaky-dependency" });
        },
        { durable: "flaky" },
      );
      const notification = await notifiedAfter(subscription, "dead_lettered", () => bus.publish(recordCreated()));
      expect(notification).toMatchObject({ reason: "the search index is rebuilding", category: "flaky-dependency", poison: false, deliveryCount: 2 });
      expect(deliveries).toEqual([1, 2]);
      expect(sdk.registry.stream("LATECHFORCE")?.consumer.maxDeliver).toBe(3);
      await bus.unsubscribe(subscription);
    });
  });

  test("permanent failures do not open the circuit: they judge the event, not a dependency", async () => {
    const subscription = await fixture.bus.subscribe(
      "record-created",
      () => {
        throw new PermanentFailure("malformed fields");
      },
      { durable: "breaker-permanent", circuitBreaker: { failureThreshold: 1, openMs: 600_000 } },
    );
    const seen: SubscriptionNotification["type"][] = [];
    const status = subscription.status();
    await fixture.bus.publish(recordCreated());
    await fixture.bus.publish(recordCreated());
    for await (const notification of status) {
      seen.push(notification.type);
      if (seen.filter((type) => type === "dead_lettered").length === 2) break;
    }
    expect(seen.filter((type) => type === "circuit_state")).toEqual([]);
    await fixture.bus.unsubscribe(subscription);
  });
});
