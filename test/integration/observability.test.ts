import { randomUUID } from "node:crypto";
import { context, createTraceState, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { type Subscription, type SubscriptionNotification } from "@evc/runtime";
import { createMemoryBus } from "@evc/runtime/memory";
import { createMetrics } from "@evc/runtime/metrics";
import { useBus } from "../helpers/bus.js";
import { AsyncContextManager, traceAndBaggagePropagator } from "../helpers/otel-context.js";
import { RecordingTracerProvider } from "../helpers/recording-tracer.js";

const fixture = useBus({ reset: true });
const tracing = new RecordingTracerProvider();

beforeAll(async () => {
  trace.setGlobalTracerProvider(tracing);
  context.setGlobalContextManager(new AsyncContextManager());
});
afterAll(async () => {
  trace.disable();
  context.disable();
});

function connectionEstablished(connectionId = `c-${randomUUID().slice(0, 8)}`) {
  return fixture.bus.create(sdk.ConnectionEstablished, {
    aggregateId: connectionId,
    metadata: { correlationId: connectionId },
    data: { connectionId, service: "salesforce", userId: "user-ada" },
  });
}

async function collect(subscription: Subscription, until: (seen: SubscriptionNotification[]) => boolean): Promise<SubscriptionNotification[]> {
  const seen: SubscriptionNotification[] = [];
  for await (const notification of subscription.status()) {
    seen.push(notification);
    if (until(seen)) return seen;
  }
  throw new Error("subscription ended early");
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const found = (await fixture.metrics.registry.getSingleMetric(name)?.get())?.values.filter((value) => Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted));
  return (found ?? []).reduce((sum, value) => sum + value.value, 0);
}

describe("runtime - circuit breaker", () => {
  test("opens after repeated failures, defers without dead-lettering, and closes after a good trial", async () => {
    const events = [connectionEstablished(), connectionEstablished(), connectionEstablished()];
    let failing = true;
    const handled = new Set<string>();
    const subscription = await fixture.bus.subscribe(
      sdk.ConnectionEstablished,
      (event) => {
        if (failing) throw new Error("crm is down");
        handled.add(event.id);
      },
      { durable: "breaker", maxDeliver: 2, backoffMs: [20], circuitBreaker: { failureThreshold: 2, openMs: 300 } },
    );
    const opened = collect(subscription, (seen) => seen.some((n) => n.type === "circuit_state" && n.state === "open"));
    for (const event of events) await fixture.bus.publish(event);
    await opened;
    failing = false;
    const closed = await collect(subscription, (seen) => seen.some((n) => n.type === "circuit_state" && n.state === "closed"));
    expect(closed.filter((n) => n.type === "circuit_state").map((n) => (n.type === "circuit_state" ? n.state : ""))).toEqual(["half_open", "closed"]);
    while (handled.size < events.length) await new Promise((resolve) => setTimeout(resolve, 20));
    expect([...handled].sort()).toEqual(events.map((event) => event.id).sort());
    expect((await fixture.bus.manager.streams.info("LATECHFORCE_DLQ")).state.messages).toBe(0);
    expect(await metric("evc_events_consumed_total", { subscription: "breaker", outcome: "deferred" })).toBeGreaterThan(0);
    expect(await metric("evc_circuit_open", { subscription: "breaker" })).toBe(0);
    await fixture.bus.unsubscribe(subscription);
  });
});

describe("runtime - metrics and tracing", () => {
  test("publishes and handling are counted by outcome, and timed", async () => {
    const published = (outcome: string) => metric("evc_events_published_total", { type: "connection-established", outcome });
    const before = { stored: await published("stored"), duplicate: await published("duplicate"), invalid: await published("invalid") };
    const good = [connectionEstablished(), connectionEstablished()];
    for (const event of good) await fixture.bus.publish(event);
    await fixture.bus.publish(good[0] as sdk.ConnectionEstablishedV1);
    await expect(fixture.bus.publishJson({ ...good[0]?.toJSON(), id: "not-a-uuid" })).rejects.toThrow(/\/id must match format "uuid"/);
    expect({ stored: (await published("stored")) - before.stored, duplicate: (await published("duplicate")) - before.duplicate, invalid: (await published("invalid")) - before.invalid }).toEqual({
      stored: 2,
      duplicate: 1,
      invalid: 1,
    });

    let calls = 0;
    const subscription = await fixture.bus.subscribe("connection-established", () => {
      if (++calls === 1) throw new Error("first call fails");
    }, { durable: "counted", backoffMs: [10] });
    while ((await metric("evc_events_consumed_total", { subscription: "counted", outcome: "handled" })) < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    await fixture.bus.unsubscribe(subscription);
    expect(await metric("evc_events_consumed_total", { subscription: "counted", outcome: "retried" })).toBe(1);
    const text = await fixture.metrics.registry.metrics();
    expect(text).toMatch(/evc_handler_duration_seconds_count\{type="connection-established",subscription="counted"\} 3/);
    expect(text).toMatch(/evc_publish_duration_seconds_count\{type="connection-established"\} \d+/);
  });

  test("a subscription's backlog on a stream is a gauge, as each delivery says, down to 0 once it caught up; the in-memory bus keeps it too", async () => {
    const events = Array.from({ length: 6 }, () => connectionEstablished());
    for (const event of events) await fixture.bus.publish(event);
    const stream = fixture.bus.registry.stream(fixture.bus.registry.get("connection-established", 1)?.stream ?? "")?.name ?? "";
    const backlog = () => metric("evc_consumer_pending_messages", { subscription: "backlogged", stream });
    const seen: number[] = [];
    const subscription = await fixture.bus.subscribe("connection-established", async () => void seen.push(await backlog()), { durable: "backlogged", prefetch: 1, concurrency: 1 });
    while (seen.length < events.length) await new Promise((resolve) => setTimeout(resolve, 20));
    await fixture.bus.unsubscribe(subscription);
    expect(seen[0]).toBeGreaterThanOrEqual(events.length - 2);
    expect(seen.at(-1)).toBe(0);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));

    const metrics = createMetrics();
    const memory = createMemoryBus({ registry: sdk.registry, service: "memory", metrics });
    for (const event of events) await memory.publish(event);
    const inMemory: number[] = [];
    await memory.subscribe("connection-established", async () => {
      const values = (await metrics.registry.getSingleMetric("evc_consumer_pending_messages")?.get())?.values ?? [];
      inMemory.push(values.find((value) => value.labels["stream"] === stream)?.value ?? -1);
    });
    await memory.settled();
    await memory.close();
    expect(inMemory).toEqual([5, 4, 3, 2, 1, 0]);
  });

  test("a consumer span continues the producer span's trace across the wire, both named and attributed after the messaging conventions, and a failure is recorded on it", async () => {
    tracing.spans.length = 0;
    const event = connectionEstablished();
    const ack = await fixture.bus.publish(event);
    let calls = 0;
    const subscription = await fixture.bus.subscribe("connection-established", () => {
      if (++calls === 1) throw new TypeError("first call fails");
    }, { durable: "traced", backoffMs: [10] });
    while (tracing.spans.filter((span) => span.kind === SpanKind.CONSUMER && span.ended).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    await fixture.bus.unsubscribe(subscription);

    const template = "latechforce.connection.{aggregateId}";
    const producer = tracing.spans.find((span) => span.kind === SpanKind.PRODUCER);
    expect(producer).toMatchObject({ name: `send ${template}`, ended: true });
    expect(producer?.attributes).toMatchObject({
      "messaging.system": "nats",
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
      "messaging.destination.template": template,
      "messaging.destination.name": ack.subject,
      "messaging.message.id": event.id,
      "cloudevents.event_type": "connection-established",
    });
    const consumers = tracing.spans.filter((span) => span.kind === SpanKind.CONSUMER);
    expect(consumers).toHaveLength(2);
    for (const consumer of consumers) {
      expect(consumer.name).toBe(`process ${template}`);
      expect(consumer.context.traceId).toBe(producer?.context.traceId);
      expect(consumer.parentSpanId).toBe(producer?.context.spanId);
      expect(consumer.attributes).toMatchObject({
        "messaging.system": "nats",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": ack.subject,
        "messaging.destination.template": template,
        "messaging.consumer.group.name": "traced",
        "messaging.message.id": event.id,
      });
    }
    expect(consumers[0]?.status).toEqual({ code: SpanStatusCode.ERROR, message: "first call fails" });
    expect(consumers[0]?.attributes["error.type"]).toBe("TypeError");
    expect(consumers[1]?.status).toBeUndefined();
    expect(consumers[1]?.attributes).not.toHaveProperty("error.type");
  });

  test("a failed publish records error.type on its producer span", async () => {
    tracing.spans.length = 0;
    await expect(fixture.bus.publishJson({ ...connectionEstablished().toJSON(), id: "not-a-uuid" })).rejects.toThrow(/must match format "uuid"/);
    const producer = tracing.spans.find((span) => span.kind === SpanKind.PRODUCER);
    expect(producer?.attributes["error.type"]).toBe("ValidationError");
    expect(producer?.status?.code).toBe(SpanStatusCode.ERROR);
  });

  test("tracestate crosses the wire with traceparent (W3C trace context when no propagator is registered)", async () => {
    tracing.spans.length = 0;
    const state = "vendor=opaque,other=1";
    const remote = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1, isRemote: true, traceState: createTraceState(state) };
    const event = connectionEstablished();
    const ack = await context.with(trace.setSpanContext(context.active(), remote), () => fixture.bus.publish(event));
    const stored = await fixture.bus.manager.streams.getMessage("LATECHFORCE", { seq: ack.seq });
    expect(stored?.header.get("tracestate")).toBe(state);

    let seenState: string | undefined;
    const handled = new Promise<void>((resolve) => {
      void fixture.bus
        .subscribe("connection-established", (received) => {
          if (received.id !== event.id) return;
          seenState = trace.getActiveSpan()?.spanContext().traceState?.serialize();
          resolve();
        }, { durable: "trace-state" })
        .then((subscription) => handled.then(() => fixture.bus.unsubscribe(subscription)));
    });
    await handled;
    const consumer = tracing.spans.find((span) => span.kind === SpanKind.CONSUMER);
    expect(consumer?.context.traceId).toBe(remote.traceId);
    expect(consumer?.parentTraceState).toBe(state);
    expect(seenState).toBe(state);
  });

  test("a service's own registered propagator carries its fields, baggage here, to the handler", async () => {
    propagation.setGlobalPropagator(traceAndBaggagePropagator);
    try {
      tracing.spans.length = 0;
      const event = connectionEstablished();
      const withBaggage = propagation.setBaggage(context.active(), propagation.createBaggage({ tenant: { value: "acme corp" } }));
      const ack = await context.with(withBaggage, () => fixture.bus.publish(event));
      const stored = await fixture.bus.manager.streams.getMessage("LATECHFORCE", { seq: ack.seq });
      expect(stored?.header.get("baggage")).toBe("tenant=acme%20corp");

      let tenant: string | undefined;
      const handled = new Promise<void>((resolve) => {
        void fixture.bus
          .subscribe("connection-established", (received) => {
            if (received.id !== event.id) return;
            tenant = propagation.getBaggage(context.active())?.getEntry("tenant")?.value;
            resolve();
          }, { durable: "baggage" })
          .then((subscription) => handled.then(() => fixture.bus.unsubscribe(subscription)));
      });
      await handled;
      expect(tenant).toBe("acme corp");
      const producer = tracing.spans.find((span) => span.kind === SpanKind.PRODUCER);
      const consumer = tracing.spans.find((span) => span.kind === SpanKind.CONSUMER);
      expect(consumer?.parentSpanId).toBe(producer?.context.spanId);
    } finally {
      propagation.disable();
    }
  });
});
