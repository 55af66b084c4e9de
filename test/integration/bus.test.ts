import { randomUUID } from "node:crypto";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { Header, listDeadLetters, PayloadTooLargeError, replayDeadLetter, UnknownEventError, ValidationError, type HandlerContext, type SubscriptionNotification } from "@evc/runtime";
import { createEventStore } from "@evc/runtime/store";
import { isDeletedAlready } from "../../runtime/jetstream-errors.js";
import { useBus } from "../helpers/bus.js";
import { next } from "../helpers/notifications.js";

const fixture = useBus({ reset: true });

const table = (id = `tbl-${randomUUID().slice(0, 8)}`) => id;

function recordCreatedV1(tableId: string, recordId = "r-1") {
  return new sdk.RecordCreatedV1({
    id: randomUUID(),
    aggregateId: tableId,
    timestamp: new Date().toISOString(),
    metadata: { correlationId: "corr-1", causationId: "cause-1", userId: "user-ada" },
    data: { tableId, recordId, fields: { name: "Ada" } },
  });
}

/** Collect what a subscription hands its handler, and resolve when `count` have arrived. */
function collector<T>(count: number) {
  const seen: { event: T; context: HandlerContext }[] = [];
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  return {
    seen,
    all,
    handler: (event: T, context: HandlerContext) => {
      seen.push({ event, context });
      if (seen.length >= count) done();
    },
  };
}

async function streamMessages(name: string): Promise<number> {
  return (await fixture.bus.manager.streams.info(name)).state.messages;
}

describe("runtime - publish", () => {
  test("the same event id published twice is stored once", async () => {
    const event = recordCreatedV1(table());
    const first = await fixture.bus.publish(event);
    const second = await fixture.bus.publish(event);
    expect(first).toMatchObject({ stream: "LATECHFORCE", seq: 1, duplicate: false, id: event.id, type: "record-created", version: 1 });
    expect(second).toMatchObject({ seq: 1, duplicate: true });
    expect(await streamMessages("LATECHFORCE")).toBe(1);
  });

  test("an invalid event throws a ValidationError naming type, version and path, and never reaches the stream", async () => {
    const json = { ...recordCreatedV1(table()).toJSON(), data: { tableId: "t", recordId: 7, fields: {} } };
    await expect(fixture.bus.publishJson(json)).rejects.toThrowError(ValidationError);
    await expect(fixture.bus.publishJson(json)).rejects.toThrowError('invalid "record-created" v1: /data/recordId must be string');
    expect(await streamMessages("LATECHFORCE")).toBe(0);
  });

  test("the body is the event as plain JSON, and the headers carry CloudEvents attributes and ids (trace context only when tracing is on)", async () => {
    const event = recordCreatedV1(table("tbl-headers"));
    const ack = await fixture.bus.publish(event);
    const stored = await fixture.bus.manager.streams.getMessage("LATECHFORCE", { seq: ack.seq });
    expect(stored?.subject).toBe("latechforce.table.tbl-headers");
    expect(JSON.parse(new TextDecoder().decode(stored?.data))).toEqual(event.toJSON());
    const header = (name: string) => stored?.header.get(name);
    expect(header(Header.msgId)).toBe(event.id);
    expect(header(Header.id)).toBe(event.id);
    expect(header(Header.specVersion)).toBe("1.0");
    expect(header(Header.type)).toBe("record-created");
    expect(header(Header.eventVersion)).toBe("1");
    // The source defaults to the service the bus connected as.
    expect(header(Header.source)).toBe("evc-test");
    expect(header(Header.time)).toBe(event.timestamp);
    expect(header(Header.subject)).toBe("tbl-headers");
    expect(header(Header.dataSchema)).toBe("urn:evc:latechforce:record-created:v1");
    expect(header(Header.correlationId)).toBe("corr-1");
    expect(header(Header.causationId)).toBe("cause-1");
    expect(header(Header.contentType)).toBe("application/json");
    // No tracer provider or propagator is registered in this file: the runtime sends no trace context (observability.test.ts covers it on).
    expect(stored?.header.keys().filter((name) => ["traceparent", "tracestate", "baggage"].includes(name))).toEqual([]);
  });

  test("prepareJson readies an event without sending it, throwing what publishJson would; publishReady sends what publishJson sends", async () => {
    const invalid = { ...recordCreatedV1(table()).toJSON(), data: { tableId: "t", recordId: 7, fields: {} } };
    expect(() => fixture.bus.prepareJson(invalid)).toThrowError('invalid "record-created" v1: /data/recordId must be string');
    const huge = { ...recordCreatedV1(table()).toJSON(), data: { tableId: "t", recordId: "r", fields: { blob: "x".repeat(fixture.bus.maxPayload) } } };
    expect(() => fixture.bus.prepareJson(huge)).toThrowError(PayloadTooLargeError);
    expect(() => fixture.bus.prepareJson({ ...invalid, type: "record-creatd" })).toThrowError(UnknownEventError);
    expect(await streamMessages("LATECHFORCE")).toBe(0);

    const [first, second] = [recordCreatedV1(table("tbl-ready")).toJSON(), recordCreatedV1(table("tbl-ready")).toJSON()];
    const ready = fixture.bus.prepareJson(first);
    expect(await streamMessages("LATECHFORCE")).toBe(0);
    const acks = [await fixture.bus.publishReady(ready), await fixture.bus.publishJson(second)];
    expect(acks[0]).toMatchObject({ id: first.id, type: "record-created", version: 1, duplicate: false });
    expect(await fixture.bus.publishReady(ready)).toMatchObject({ seq: acks[0]?.seq, duplicate: true });
    const [viaReady, viaJson] = await Promise.all(acks.map((ack) => fixture.bus.manager.streams.getMessage("LATECHFORCE", { seq: ack.seq })));
    expect(JSON.parse(new TextDecoder().decode(viaReady?.data))).toEqual(first);
    // The same headers, but for the event's own id and time.
    const headersOf = (message: typeof viaReady, own: { id: string; timestamp: string }) =>
      Object.fromEntries((message?.header.keys() ?? []).map((name) => [name, message?.header.get(name).replace(own.id, "<id>").replace(own.timestamp, "<time>")]));
    expect(headersOf(viaReady, first)).toEqual(headersOf(viaJson, second));
  });

  test("a batch keeps results per event, failures included, in order", async () => {
    const tableId = table();
    const events = Array.from({ length: 50 }, (_, index) => recordCreatedV1(tableId, `r-${index}`).toJSON());
    const broken = { ...(events[7] as sdk.RecordCreatedV1Json), data: {} };
    const results = await fixture.bus.publishBatch([...events.slice(0, 7), broken, ...events.slice(8)], { maxInFlight: 8 });
    expect(results).toHaveLength(50);
    expect(results.filter((result) => result.ok)).toHaveLength(49);
    expect(results[7]).toMatchObject({ ok: false });
    expect(await streamMessages("LATECHFORCE")).toBe(49);
  });

  test("create fills id, time, pinned fields and metadata, and validates", () => {
    const event = fixture.bus.create(sdk.RecordCreated, {
      aggregateId: "tbl-x",
      data: { tableId: "tbl-x", recordId: "r", fields: {}, createdBy: "user-ada" },
    });
    expect(event).toBeInstanceOf(sdk.RecordCreatedV2);
    expect(event).toMatchObject({ type: "record-created", version: 2, aggregateType: "table", metadata: {} });
    const dynamicType: string = "record-created";
    expect(() => fixture.bus.create(dynamicType, { aggregateId: "tbl-x", data: {} })).toThrowError(/invalid "record-created" v2/);
  });
});

describe("runtime - subscribe", () => {
  test("a v1 message in the stream reaches a latest-version handler upcast, and v1 to v3 through declarative moves", async () => {
    const v1 = recordCreatedV1(table());
    await fixture.bus.publish(v1);
    const catalog = "770e8400-e29b-41d4-a716-446655440003";
    const store = await createEventStore(fixture.bus);
    await store.append({ aggregateType: "model_catalog", aggregateId: catalog }, [
      new sdk.ModelRegisteredV1({
        id: randomUUID(),
        aggregateId: catalog,
        timestamp: "2025-12-04T10:30:00Z",
        metadata: {},
        data: { model_id: "m-1", task_type: "txt2embed", version: "v1" },
      }),
    ], { expectedVersion: 0 });
    const records = collector<sdk.RecordCreatedV2>(1);
    const models = collector<sdk.ModelRegisteredV3>(1);
    const recordSubscription = await fixture.bus.subscribe("record-created", records.handler);
    const modelSubscription = await fixture.bus.subscribe("model.registered", models.handler);
    await Promise.all([records.all, models.all]);
    const [record] = records.seen;
    expect(record?.event).toBeInstanceOf(sdk.RecordCreatedV2);
    expect(record?.event.data.createdBy).toBe("unknown");
    expect(record?.event.version).toBe(2);
    expect(record?.event.id).toBe(v1.id);
    expect(record?.context.receivedVersion).toBe(1);
    expect(models.seen[0]?.event.data.model).toEqual({ id: "m-1", version: "v1", checksum: "unknown" });
    await Promise.all([fixture.bus.unsubscribe(recordSubscription), fixture.bus.unsubscribe(modelSubscription)]);
  });

  test("a handler may ask for an older version", async () => {
    await fixture.bus.publish(recordCreatedV1(table()));
    const seen = collector<sdk.RecordCreatedV1>(1);
    const subscription = await fixture.bus.subscribe(sdk.RecordCreatedV1Contract, seen.handler, { durable: "wants-v1" });
    await seen.all;
    expect(seen.seen[0]?.event).toBeInstanceOf(sdk.RecordCreatedV1);
    await fixture.bus.unsubscribe(subscription);
  });

  test("wildcard subscriptions match event types: task.* and *.created", async () => {
    const task = "task-1";
    const base = { aggregateId: task, metadata: {} };
    const store = await createEventStore(fixture.bus);
    await store.append({ aggregateType: "task", aggregateId: task }, [
      fixture.bus.create("task.created", { ...base, data: { task_id: task, task_type: "deploy", priority: 5 } }),
      fixture.bus.create("agent.assigned", { ...base, data: { task_id: task, agent_id: "agent-7" } }),
      fixture.bus.create("task.completed", { ...base, data: { task_id: task, duration: 1, completed_by: "agent-7" } }),
    ], { expectedVersion: 0 });
    await store.append({ aggregateType: "context", aggregateId: "ctx-1" }, [fixture.bus.create("context.created", { aggregateId: "ctx-1", data: { context_id: "ctx-1", agent_id: "agent-7", name: "n", created_by: "u" } })], { expectedVersion: 0 });
    const tasks = collector<sdk.AnyEvent>(2);
    const created = collector<sdk.AnyEvent>(2);
    const taskSubscription = await fixture.bus.subscribe("task.*", tasks.handler);
    const createdSubscription = await fixture.bus.subscribe("*.created", created.handler);
    await Promise.all([tasks.all, created.all]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tasks.seen.map((seen) => seen.event.type)).toEqual(["task.created", "task.completed"]);
    expect(created.seen.map((seen) => seen.event.type).sort()).toEqual(["context.created", "task.created"]);
    await Promise.all([fixture.bus.unsubscribe(taskSubscription), fixture.bus.unsubscribe(createdSubscription)]);
  });

  test("a handler that always fails is retried with backoff, then dead-lettered with why; dlq replay brings it back to that consumer only", async () => {
    const event = recordCreatedV1(table());
    await fixture.bus.publish(event);
    const attempts: number[] = [];
    const failing = await fixture.bus.subscribe(
      "record-created",
      (_event, context) => {
        attempts.push(context.deliveryCount);
        throw new Error("database is down");
      },
      { durable: "always-fails", maxDeliver: 3, backoffMs: [10, 20] },
    );
    const deadLettered = await next(failing, "dead_lettered");
    expect(deadLettered).toMatchObject({ reason: "database is down", poison: false, deliveryCount: 3 });
    expect(attempts).toEqual([1, 2, 3]);
    await fixture.bus.unsubscribe(failing);

    const [letter] = await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 10);
    expect(letter).toMatchObject({
      reason: "database is down",
      error: "Error",
      poison: false,
      deliveries: 3,
      consumer: "always-fails",
      stream: "LATECHFORCE",
      streamSeq: 1,
      subject: event.toJSON().aggregateId === undefined ? "" : `latechforce.table.${event.aggregateId}`,
      type: "record-created",
      version: 1,
      eventId: event.id,
    });
    expect(JSON.parse(new TextDecoder().decode(letter?.payload))).toEqual(event.toJSON());
    expect(letter?.headers.get(Header.correlationId)).toBe("corr-1");

    expect(await replayDeadLetter(fixture.bus, "LATECHFORCE_DLQ", letter?.seq as number)).toMatchObject({ consumer: "always-fails", stream: "LATECHFORCE_DLQ_REPLAY" });
    expect(await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 10)).toEqual([]);
    const fixed = collector<sdk.RecordCreatedV2>(1);
    const resumed = await fixture.bus.subscribe("record-created", fixed.handler, { durable: "always-fails" });
    await fixed.all;
    expect(fixed.seen.map((seen) => [seen.event.id, seen.context.subject, seen.context.deliveryCount])).toEqual([[event.id, `latechforce.table.${event.aggregateId}`, 1]]);
    await fixture.bus.unsubscribe(resumed);
  });

  test("two consumers that give up on one event keep a dead letter each, and each replay goes back to its own consumer", async () => {
    const event = recordCreatedV1(table());
    const durables = ["billing-records", "shipping-records"];
    const failing = await Promise.all(
      durables.map((durable) =>
        fixture.bus.subscribe(
          "record-created",
          () => {
            throw new Error(`${durable} is down`);
          },
          { durable, maxDeliver: 1 },
        ),
      ),
    );
    await fixture.bus.publish(event);
    await Promise.all(failing.map((subscription) => next(subscription, "dead_lettered")));
    for (const subscription of failing) await fixture.bus.unsubscribe(subscription);
    const letters = (await fixture.bus.listDeadLetters("LATECHFORCE_DLQ")).filter((letter) => letter.eventId === event.id);
    expect(letters.map((letter) => [letter.consumer, letter.reason]).sort()).toEqual(durables.map((durable) => [durable, `${durable} is down`]));
    const replays = await Promise.all(letters.map((letter) => fixture.bus.replayDeadLetter("LATECHFORCE_DLQ", letter.seq)));
    expect(replays.map((replay) => replay.consumer).sort()).toEqual(durables);
  });

  test("a dead letter whose delete finds it gone (another replay of it deleted it first) counts as replayed; another failure to delete does not", async () => {
    const ack = await fixture.bus.jetstream.publish("dlq.latechforce.table.gone", "{}");
    await fixture.bus.manager.streams.deleteMessage("LATECHFORCE_DLQ", ack.seq);
    const gone = await fixture.bus.manager.streams.deleteMessage("LATECHFORCE_DLQ", ack.seq).catch((error: unknown) => error);
    expect(isDeletedAlready(gone)).toBe(true);
    const noStream = await fixture.bus.manager.streams.deleteMessage("NO_SUCH_STREAM", 1).catch((error: unknown) => error);
    expect(isDeletedAlready(noStream)).toBe(false);
  });

  test("a message that can never succeed is dead-lettered at once, and the loop goes on", async () => {
    const tableId = table();
    const valid = recordCreatedV1(tableId);
    const unknownVersion = natsHeaders();
    unknownVersion.set(Header.specVersion, "1.0");
    unknownVersion.set(Header.type, "record-created");
    unknownVersion.set(Header.eventVersion, "9");
    await fixture.bus.jetstream.publish(`latechforce.table.${tableId}`, JSON.stringify(valid.toJSON()), { headers: unknownVersion });
    const liar = natsHeaders();
    liar.set(Header.specVersion, "1.0");
    liar.set(Header.type, "record-created");
    liar.set(Header.eventVersion, "2");
    await fixture.bus.jetstream.publish(`latechforce.table.${tableId}`, JSON.stringify(valid.toJSON()), { headers: liar });
    await fixture.bus.jetstream.publish(`latechforce.table.${tableId}`, "{not json", { headers: liar });
    await fixture.bus.publish(valid);
    const seen = collector<sdk.RecordCreatedV2>(1);
    const subscription = await fixture.bus.subscribe("record-created", seen.handler, { durable: "poison" });
    const invalid: SubscriptionNotification[] = [];
    const watching = (async () => {
      for await (const notification of subscription.status()) if (notification.type === "dead_lettered") invalid.push(notification);
    })();
    await seen.all;
    await fixture.bus.unsubscribe(subscription);
    await watching;
    const letters = await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 10);
    expect(letters.map((letter) => [letter.poison, letter.deliveries, letter.error])).toEqual([
      [true, 1, "UnknownEventError"],
      [true, 1, "ValidationError"],
      [true, 1, "DecodeError"],
    ]);
    expect(letters[1]?.reason).toMatch(/^invalid "record-created" v2: .*\/data must have required property 'createdBy'/);
    expect(seen.seen[0]?.event.id).toBe(valid.id);
  });

  test("concurrency runs handlers side by side, and stop waits for the ones in flight", async () => {
    const tableId = table();
    await fixture.bus.publishBatch(Array.from({ length: 6 }, (_, index) => recordCreatedV1(tableId, `r-${index}`)));
    let running = 0;
    let peak = 0;
    let finished = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started = collector<unknown>(3);
    const subscription = await fixture.bus.subscribe(
      "record-created",
      async (event, context) => {
        running++;
        peak = Math.max(peak, running);
        started.handler(event, context);
        await gate;
        running--;
        finished++;
      },
      { durable: "parallel", concurrency: 3 },
    );
    await started.all;
    const stopping = subscription.stop();
    release();
    await stopping;
    expect(peak).toBe(3);
    expect(finished).toBe(3);
    const info = await fixture.bus.manager.consumers.info("LATECHFORCE", "parallel");
    expect(info.ack_floor.stream_seq).toBe(3);
  });
});

describe("runtime - provisioning", () => {
  test("provisioning is idempotent and creates every stream with its dead-letter and replay streams", async () => {
    const again = await fixture.bus.provision();
    expect([...again.values()].every((action) => action === "unchanged")).toBe(true);
    expect([...again.keys()].sort()).toEqual([
      "DEVOPS_MCP",
      "DEVOPS_MCP_DLQ",
      "DEVOPS_MCP_DLQ_REPLAY",
      "INTEGR8SCODE",
      "INTEGR8SCODE_DLQ",
      "INTEGR8SCODE_DLQ_REPLAY",
      "KUBEGRAM",
      "KUBEGRAM_DLQ",
      "KUBEGRAM_DLQ_REPLAY",
      "LATECHFORCE",
      "LATECHFORCE_DLQ",
      "LATECHFORCE_DLQ_REPLAY",
      "MODELMORA",
      "MODELMORA_DLQ",
      "MODELMORA_DLQ_REPLAY",
    ]);
    const info = await fixture.bus.manager.streams.info("LATECHFORCE");
    expect(info.config).toMatchObject({ subjects: ["latechforce.>"], storage: "file", duplicate_window: 120_000_000_000, max_age: 0, max_msgs: -1, max_bytes: -1 });
    await fixture.bus.manager.streams.update("LATECHFORCE", { ...info.config, max_age: 86_400 * 1e9 });
    expect((await fixture.bus.provision()).get("LATECHFORCE")).toBe("updated");
  });
});

describe("runtime - connection", () => {
  test("a request on the bus's connection that goes unanswered throws a TimeoutError whose stack names the code that made it", async () => {
    const subject = `evc.test.silent.${randomUUID()}`;
    // A subscriber that never answers: the request times out instead of failing with no responders.
    const silent = fixture.bus.connection.subscribe(subject);
    await fixture.bus.connection.flush();
    async function askTheSilentSubject(): Promise<unknown> {
      return fixture.bus.connection.request(subject, "ping", { timeout: 100 });
    }
    try {
      const error = await askTheSilentSubject().then(
        () => undefined,
        (failure: unknown) => failure as Error,
      );
      expect(error?.name).toBe("TimeoutError");
      expect(error?.stack).toContain("askTheSilentSubject");
    } finally {
      silent.unsubscribe();
    }
  });
});
