/**
 * What every bus does, as one suite run case for case against JetStream's `EventBus`
 * (`jetstream.test.ts`, a real nats-server) and the in-memory `MemoryBus` (`memory.test.ts`), so
 * that the two cannot drift apart. Each case is small; retries use short backoffs.
 */
import { randomUUID } from "node:crypto";
import type { MsgHdrs } from "@nats-io/transport-node";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { ArgumentError, encodeEvent, EventHistory, EventSourcedPublishError, PayloadTooLargeError, ValidationError, type DeadLetter, type EventBusApi, type Replayed, type EventSubscription, type HistoryHost, type SubscriptionNotification, type SubscribeOptions } from "@evc/runtime";
import { SuspensionManager, type ResponseHost } from "@evc/runtime/saga";

/** The bus under test and what the suite needs around it. */
export interface BusHarness {
  /** `EventBus` on a test server, or `MemoryBus`: each is an `EventBusApi`, a `ResponseHost` and a `HistoryHost`. */
  readonly bus: EventBusApi<sdk.LatestEvents> & ResponseHost & HistoryHost;
  /** Wait until a condition holds (the in-memory bus settles, then checks once); throws naming `what`. */
  eventually(condition: () => boolean, what: string): Promise<void>;
  /** The dead letters of a dead-letter stream, oldest first. */
  deadLetters(deadLetterStream: string): Promise<DeadLetter[]>;
  /** Replay a dead letter (`replayDeadLetter`) to the consumer that dead-lettered it. */
  replay(deadLetterStream: string, seq: number): Promise<Replayed>;
  /** Let the bus do what it can do now: the in-memory bus settles; on JetStream, a short pause. */
  idle(): Promise<void>;
  /** Store a message as a producer that skips validation would. */
  publishRaw(subject: string, headers: MsgHdrs, body: Uint8Array): Promise<void>;
  /** End what `open` started. */
  close(): Promise<void>;
}

/** Run the behaviour suite against the buses `open` gives, a fresh (or emptied) one per case. */
export function describeBusBehaviour(name: string, open: () => Promise<BusHarness>): void {
  describe(`bus behaviour - ${name}`, () => {
    let harness: BusHarness;
    let subscriptions: EventSubscription[] = [];
    /** A durable name of this case only. */
    const durable = (role: string) => `${role}-${randomUUID().slice(0, 8)}`;
    const bus = () => harness.bus;
    /** A subscription of this case, unsubscribed (its consumers removed) after it. */
    const track = async (started: Promise<EventSubscription>): Promise<EventSubscription> => {
      const subscription = await started;
      subscriptions.push(subscription);
      return subscription;
    };

    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      for (const subscription of subscriptions) await bus().unsubscribe(subscription, { removeConsumers: true });
      subscriptions = [];
      await harness.close();
    });

    const tableId = () => `tbl-${randomUUID().slice(0, 8)}`;
    const recordV2 = (table: string) => bus().create(sdk.RecordCreated, { aggregateId: table, data: { tableId: table, recordId: `r-${randomUUID().slice(0, 6)}`, fields: { name: "Ada" }, createdBy: "ada" } });
    const recordV1 = (table: string) => bus().create(sdk.RecordCreatedV1Contract, { aggregateId: table, data: { tableId: table, recordId: `r-${randomUUID().slice(0, 6)}`, fields: {} } });

    test("publish and subscribe, typed: the handler gets the generated class and its delivery context", async () => {
      const seen: { event: sdk.RecordCreatedV2; stream: string; deliveryCount: number; receivedVersion: number }[] = [];
      await track(bus().subscribe(sdk.RecordCreated, (event, context) => {
        seen.push({ event, stream: context.stream, deliveryCount: context.deliveryCount, receivedVersion: context.receivedVersion });
      }, { durable: durable("typed") }));
      const event = recordV2(tableId());
      const ack = await bus().publish(event);
      expect(ack).toMatchObject({ id: event.id, type: "record-created", version: 2, stream: "LATECHFORCE", duplicate: false });
      await harness.eventually(() => seen.length === 1, "the event");
      const [first] = seen;
      expect(first?.event).toBeInstanceOf(sdk.RecordCreatedV2);
      expect(first?.event.toJSON()).toEqual(event.toJSON());
      expect(first).toMatchObject({ stream: "LATECHFORCE", deliveryCount: 1, receivedVersion: 2 });
      expect((await bus().publish(event)).duplicate).toBe(true);
    });

    test("an event's JSON without version is published as the latest version, which is filled in; with an unknown version it is refused", async () => {
      const seen: sdk.RecordCreatedV2[] = [];
      await track(bus().subscribe(sdk.RecordCreated, (event) => void seen.push(event), { durable: durable("json") }));
      const { version: _version, ...json } = recordV2(tableId()).toJSON() as Record<string, unknown>;
      const ack = await bus().publishJson(json);
      expect(ack).toMatchObject({ type: "record-created", version: 2 });
      await harness.eventually(() => seen.length === 1, "the event");
      expect(seen[0]?.toJSON()).toEqual({ ...json, version: 2 });
      await expect(bus().publishJson({ ...json, version: 9 })).rejects.toThrowError('unknown event "record-created" v9');
    });

    test("publish takes only generated event objects: an event's JSON or another object with a toJSON is refused, saying what was expected and what it got", async () => {
      const json = recordV2(tableId()).toJSON();
      const expected = 'invalid argument "event": an instance of a generated event class (built by create or by a class such as OrderPlacedV1), not ';
      await expect(bus().publish(json as never)).rejects.toThrowError(`${expected}a plain object (an event's JSON goes to publishJson)`);
      await expect(bus().publish({ ...json, toJSON: () => json } as never)).rejects.toThrowError(`${expected}a plain object (an event's JSON goes to publishJson)`);
      await expect(bus().publish(new Date() as never)).rejects.toThrowError(`${expected}an instance of Date`);
      await expect(bus().publish(undefined as never)).rejects.toThrowError(`${expected}undefined`);
      await expect(bus().publish(json as never)).rejects.toBeInstanceOf(ArgumentError);
    });

    test("an option given as undefined (a JavaScript caller, an unset setting passed on) keeps its default", async () => {
      const seen: string[] = [];
      // What a JavaScript caller can pass, and TypeScript with exactOptionalPropertyTypes refuses.
      const unset = { concurrency: undefined, prefetch: undefined, deliverPolicy: undefined, ordering: undefined } as unknown as Partial<SubscribeOptions>;
      const subscription = await track(bus().subscribe(sdk.RecordCreated, (event) => void seen.push(event.id), { durable: durable("unset"), ...unset }));
      expect(subscription.options).toMatchObject({ concurrency: 1, prefetch: 64, deliverPolicy: "all", ordering: "none" });
      const event = recordV2(tableId());
      await bus().publish(event);
      await harness.eventually(() => seen.length === 1, "the event");
      expect(seen).toEqual([event.id]);
    });

    test("a wildcard pattern over type names delivers the types it matches and no others", async () => {
      const types: string[] = [];
      await track(bus().subscribe("agent.*", (event) => {
        types.push(event.type);
      }, { durable: durable("agents") }));
      const agentId = `agent-${randomUUID().slice(0, 8)}`;
      await bus().publish(bus().create(sdk.AgentRegistered, { aggregateId: agentId, data: { agent_id: agentId, model: "m", capabilities: [] } }));
      await bus().publish(recordV2(tableId()));
      await bus().publish(bus().create(sdk.AgentDisconnected, { aggregateId: agentId, data: { agent_id: agentId, reason: "heartbeat timeout", last_seen: "2025-12-04T10:29:30Z" } }));
      await harness.eventually(() => types.length === 2, "both agent events");
      expect(types.sort()).toEqual(["agent.disconnected", "agent.registered"]);
    });

    test("a plain publish of an event-sourced aggregate's event is refused, alone or in a batch, and never delivered", async () => {
      const seen: string[] = [];
      await track(bus().subscribe(sdk.TaskCreated, (event) => void seen.push(event.id), { durable: durable("tasks") }));
      const taskId = `task-${randomUUID().slice(0, 8)}`;
      const task = bus().create(sdk.TaskCreated, { aggregateId: taskId, data: { task_id: taskId, task_type: "build", priority: 1 } });
      await expect(bus().publish(task)).rejects.toThrow(EventSourcedPublishError);
      await expect(bus().publishBatch([recordV2(tableId()), task])).rejects.toThrow(EventSourcedPublishError);
      await harness.idle();
      expect(seen).toEqual([]);
    });

    test("an invalid event is refused at publish with a ValidationError naming event, version and JSON path", async () => {
      const table = tableId();
      const invalid = { ...recordV2(table).toJSON() as object, data: { tableId: table, recordId: "r-1", fields: {}, createdBy: 42 } };
      const error = await bus().publishJson(invalid).then(() => undefined, (failure: unknown) => failure);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toMatch(/"record-created" v2: .*\/data\/createdBy must be string/);
      expect(() => bus().create(sdk.RecordCreated, { aggregateId: table, data: { tableId: table, recordId: "r-1", fields: {} } } as never)).toThrowError(/\/data must have required property 'createdBy'/);
      expect(await new EventHistory(bus()).getEventHistory("record-created", 5)).toEqual([]);
    });

    test("an event past the server's max_payload (1 MiB here) is refused before it is sent, naming its size and the limit; alone or in a batch, nothing of it is stored", async () => {
      const table = tableId();
      const large = bus().create(sdk.RecordCreated, { aggregateId: table, data: { tableId: table, recordId: "r-large", fields: { notes: "x".repeat(1024 * 1024) }, createdBy: "ada" } });
      const error = await bus().publish(large).then(() => undefined, (failure: unknown) => failure);
      expect(error).toBeInstanceOf(PayloadTooLargeError);
      const tooLarge = error as PayloadTooLargeError;
      expect(tooLarge).toMatchObject({ id: large.id, type: "record-created", version: 2, limit: 1024 * 1024 });
      expect(tooLarge.bytes).toBeGreaterThan(1024 * 1024 + 100);
      expect(tooLarge.bytes).toBeLessThan(1024 * 1024 + 4096);
      expect(tooLarge.message).toBe(
        `event "record-created" v2 (id ${large.id}) is ${tooLarge.bytes} bytes with its headers, past the server's max_payload of ${1024 * 1024} bytes; nothing was sent: keep large data out of the event (store it and send a reference to it) or raise the server's max_payload`,
      );
      const small = recordV2(table);
      const results = await bus().publishBatch([large, small]);
      expect(results[0]?.ok === false && results[0].error).toBeInstanceOf(PayloadTooLargeError);
      expect(results[1]).toMatchObject({ ok: true, ack: { id: small.id, seq: 1 } });
      expect((await new EventHistory(bus()).getEventHistory(sdk.RecordCreated, 5)).map((stored) => stored.event.id)).toEqual([small.id]);
    });

    test("publishBatch reports one result per event, in order, a refused event among stored ones", async () => {
      const table = tableId();
      const events = [recordV2(table), { type: "record-created", version: 2, aggregateId: table, data: {} }, recordV1(table)];
      const results = await bus().publishBatch(events, { maxInFlight: 2 });
      expect(results.map((result) => result.ok)).toEqual([true, false, true]);
      expect(results[1]?.ok === false && results[1].error).toBeInstanceOf(ValidationError);
      expect(results.flatMap((result) => (result.ok ? [[result.ack.version, result.ack.seq]] : []))).toEqual([[2, 1], [1, 2]]);
    });

    test("an invalid incoming event is dead-lettered as poison at once, never handed to the handler", async () => {
      const handled: unknown[] = [];
      const subscription = await track(bus().subscribe(sdk.RecordCreated, (event) => {
        handled.push(event);
      }, { durable: durable("poison") }));
      const notifications = collect(subscription.status());
      const table = tableId();
      const valid = recordV1(table);
      const contract = bus().registry.get("record-created", 1);
      if (contract === undefined) throw new Error("record-created v1 is missing from the registry");
      const encoded = encodeEvent(contract, valid.toJSON() as never, { source: "test", trace: undefined });
      const body = { ...(valid.toJSON() as object), data: { tableId: table, fields: {} } };
      await harness.publishRaw(encoded.subject, encoded.headers, new TextEncoder().encode(JSON.stringify(body)));
      await harness.eventually(() => notifications.some((note) => note.type === "dead_lettered"), "the dead letter");
      const [letter] = await harness.deadLetters("LATECHFORCE_DLQ");
      expect(letter).toMatchObject({ poison: true, error: "ValidationError", deliveries: 1, subject: encoded.subject, type: "record-created", version: 1, eventId: valid.id });
      expect(letter?.reason).toMatch(/"record-created" v1: \/data must have required property 'recordId'/);
      expect(notifications.map((note) => note.type)).toEqual(["invalid_event", "dead_lettered"]);
      expect(handled).toEqual([]);
    });

    test("v1 events are upcast to the version the subscriber asks for: the latest by default, or a pinned one", async () => {
      const latest: { event: sdk.RecordCreatedV2; receivedVersion: number }[] = [];
      const pinned: sdk.RecordCreatedV1[] = [];
      await track(bus().subscribe(sdk.RecordCreated, (event, context) => {
        latest.push({ event, receivedVersion: context.receivedVersion });
      }, { durable: durable("latest") }));
      await track(bus().subscribe(sdk.RecordCreatedV1Contract, (event) => {
        pinned.push(event);
      }, { durable: durable("pinned") }));
      const old = recordV1(tableId());
      await bus().publish(old);
      await harness.eventually(() => latest.length === 1 && pinned.length === 1, "both deliveries");
      expect(latest[0]?.event).toBeInstanceOf(sdk.RecordCreatedV2);
      expect(latest[0]?.event.data).toEqual({ ...old.data, createdBy: "unknown" });
      expect(latest[0]?.event.version).toBe(2);
      expect(latest[0]?.receivedVersion).toBe(1);
      expect(pinned[0]).toBeInstanceOf(sdk.RecordCreatedV1);
      expect(pinned[0]?.toJSON()).toEqual(old.toJSON());
    });

    test("a failing handler is retried with backoff until maxDeliver, then dead-lettered; one that recovers is not", async () => {
      const attempts: number[] = [];
      const recovered: number[] = [];
      const failing = await track(bus().subscribe(sdk.AutomationTriggered, (_event, context) => {
        attempts.push(context.deliveryCount);
        throw new Error("the automation service is down");
      }, { durable: durable("failing"), maxDeliver: 3, backoffMs: [20, 40] }));
      await track(bus().subscribe(sdk.AutomationTriggered, (_event, context) => {
        recovered.push(context.deliveryCount);
        if (context.deliveryCount < 2) throw new Error("one hiccup");
      }, { durable: durable("recovering"), maxDeliver: 3, backoffMs: [20] }));
      const notifications = collect(failing.status());
      const trigger = bus().create(sdk.AutomationTriggered, { aggregateId: "welcome", data: { automationId: "welcome", triggerId: "t-1", runId: `run-${randomUUID().slice(0, 6)}`, triggerData: {} } });
      await bus().publish(trigger);
      await harness.eventually(() => notifications.some((note) => note.type === "dead_lettered") && recovered.length === 2, "the dead letter and the recovery");
      expect(attempts).toEqual([1, 2, 3]);
      expect(recovered).toEqual([1, 2]);
      expect(notifications.flatMap((note) => (note.type === "handler_failed" ? [[note.deliveryCount, note.retryInMs]] : []))).toEqual([[1, 20], [2, 40]]);
      const letters = await harness.deadLetters("LATECHFORCE_DLQ");
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ poison: false, error: "Error", reason: "the automation service is down", deliveries: 3, eventId: trigger.id, consumer: failing.options.durable });
      // The notification carries the dead letter as stored: enough to announce it (Integr8sCode's dlq_message_received) or replay it.
      const announced = notifications.flatMap((note) => (note.type === "dead_lettered" ? [note.letter] : []));
      const fields = ({ seq, deadLetterStream, stream, streamSeq, subject, time, type, version, eventId, deliveries, consumer, payload }: DeadLetter) => ({ seq, deadLetterStream, stream, streamSeq, subject, time, type, version, eventId, deliveries, consumer, payload: Buffer.from(payload).toString() });
      expect(announced.map(fields)).toEqual(letters.map(fields));
      expect(announced[0]).toMatchObject({ type: trigger.type, version: trigger.version, eventId: trigger.id });
    });

    test("while the circuit is open, events go to its offline handler, typed, and are acked there (seed 001's handleEventOffline); an offline handler that throws leaves them deferred for the handler", async () => {
      const trigger = (runId: string) => bus().create(sdk.AutomationTriggered, { aggregateId: "welcome", data: { automationId: "welcome", triggerId: "t-1", runId, triggerData: {} } });
      const handled: string[] = [];
      const offline: { runId: string; deliveryCount: number }[] = [];
      const subscription = await track(bus().subscribe(sdk.AutomationTriggered, (event) => {
        handled.push(event.data.runId);
        throw new Error("the automation service is down");
      }, {
        durable: durable("offline"),
        maxDeliver: 2,
        backoffMs: [10],
        circuitBreaker: { failureThreshold: 1, openMs: 600_000, offline: (event, context) => void offline.push({ runId: event.data.runId, deliveryCount: context.deliveryCount }) },
      }));
      const notifications = collect(subscription.status());
      await bus().publish(trigger("first"));
      await harness.eventually(() => offline.length === 1, "the first event's retry, offline");
      for (const runId of ["second", "third"]) await bus().publish(trigger(runId));
      await harness.eventually(() => offline.length === 3, "the later events, offline");
      await harness.idle();
      expect(handled).toEqual(["first"]);
      expect(offline).toEqual([{ runId: "first", deliveryCount: 2 }, { runId: "second", deliveryCount: 1 }, { runId: "third", deliveryCount: 1 }]);
      expect(notifications.flatMap((note) => (note.type === "circuit_state" ? [note.state] : []))).toEqual(["open"]);
      expect(await harness.deadLetters("LATECHFORCE_DLQ")).toEqual([]);

      let down = true;
      const recovered: string[] = [];
      const deferred = await track(bus().subscribe(sdk.AutomationTriggered, (event) => {
        if (down) throw new Error("the automation service is down");
        recovered.push(event.data.runId);
      }, {
        durable: durable("offline-throws"),
        deliverPolicy: "new",
        backoffMs: [10],
        circuitBreaker: { failureThreshold: 1, openMs: 200, offline: () => {
          down = false;
          throw new Error("the offline queue is full");
        } },
      }));
      const told = collect(deferred.status());
      await bus().publish(trigger("fourth"));
      await harness.eventually(() => recovered.includes("fourth"), "the handler, after the circuit's trial");
      // The offline handler is asked again at each deferral while the circuit stays open.
      const [first, ...later] = told.flatMap((note) => (note.type === "handler_failed" ? [note.error.message] : []));
      expect(first).toBe("the automation service is down");
      expect(later.length).toBeGreaterThan(0);
      expect(new Set(later)).toEqual(new Set(["the offline queue is full"]));
      expect(told.flatMap((note) => (note.type === "circuit_state" ? [note.state] : []))).toEqual(["open", "half_open", "closed"]);
    });

    test("in aggregate order a failed event is retried before the later events of its aggregate, while other aggregates go on; by default the later ones pass it", async () => {
      const handled = async (ordering: "none" | "aggregate") => {
        const table = tableId();
        const events = [recordV2(table), recordV2(table), recordV2(table)];
        const other = recordV2(tableId());
        const names = new Map([...events.map((event, index) => [event.id, `a${index + 1}`] as const), [other.id, "b1"]]);
        const seen: string[] = [];
        await track(bus().subscribe(sdk.RecordCreated, (event, context) => {
          const name = names.get(event.id);
          if (name === undefined) return;
          seen.push(`${name}#${context.deliveryCount}`);
          if (name === "a1" && context.deliveryCount === 1) throw new Error("a hiccup");
        }, { durable: durable(ordering), ordering, concurrency: 2, backoffMs: [400] }));
        for (const event of [...events, other]) await bus().publish(event);
        await harness.eventually(() => seen.length === 5, "four events, the first twice");
        return seen;
      };
      const ordered = await handled("aggregate");
      expect(ordered.filter((name) => name.startsWith("a"))).toEqual(["a1#1", "a1#2", "a2#1", "a3#1"]);
      expect(ordered.indexOf("b1#1")).toBeLessThan(ordered.indexOf("a1#2"));
      const unordered = await handled("none");
      expect(unordered.filter((name) => name.startsWith("a"))).toEqual(["a1#1", "a2#1", "a3#1", "a1#2"]);
    });

    test("in aggregate order two events of one aggregate never run at once, while different aggregates run side by side", async () => {
      const tables = [tableId(), tableId()];
      const events = Array.from({ length: 8 }, (_, index) => recordV2(tables[index % 2]!));
      for (const event of events) await bus().publish(event);
      const running = new Map<string, number>();
      let most = 0;
      let mostOfOne = 0;
      const handled: string[] = [];
      await track(bus().subscribe(sdk.RecordCreated, async (event) => {
        if (!events.some((published) => published.id === event.id)) return;
        const mine = (running.get(event.aggregateId) ?? 0) + 1;
        running.set(event.aggregateId, mine);
        mostOfOne = Math.max(mostOfOne, mine);
        most = Math.max(most, [...running.values()].reduce((sum, count) => sum + count, 0));
        await new Promise((resolve) => setTimeout(resolve, 20));
        running.set(event.aggregateId, (running.get(event.aggregateId) ?? 1) - 1);
        handled.push(event.id);
      }, { durable: durable("lanes"), ordering: "aggregate", concurrency: 4 }));
      await harness.eventually(() => handled.length === events.length, "every event");
      expect(mostOfOne).toBe(1);
      expect(most).toBe(2);
      for (const table of tables) {
        expect(handled.filter((id) => events.find((event) => event.id === id)?.aggregateId === table)).toEqual(events.filter((event) => event.aggregateId === table).map((event) => event.id));
      }
    });

    test("in aggregate order a handler past its deadline that ignores its signal holds its aggregate until it ends: its retry and the next event wait", async () => {
      const table = tableId();
      const events = [recordV2(table), recordV2(table)];
      for (const event of events) await bus().publish(event);
      const seen: string[] = [];
      let running = 0;
      let most = 0;
      await track(bus().subscribe(sdk.RecordCreated, async (event, context) => {
        const index = events.findIndex((published) => published.id === event.id);
        if (index === -1) return;
        running++;
        most = Math.max(most, running);
        seen.push(`e${index + 1}#${context.deliveryCount}`);
        // The first try of the first event takes four times its deadline, and does not look at its signal.
        if (index === 0 && context.deliveryCount === 1) await new Promise((resolve) => setTimeout(resolve, 600));
        running--;
      }, { durable: durable("deadline-lanes"), ordering: "aggregate", concurrency: 4, handlerTimeoutMs: 150, backoffMs: [10] }));
      await harness.eventually(() => seen.length === 3, "the retry and the next event");
      expect(seen).toEqual(["e1#1", "e1#2", "e2#1"]);
      expect(most).toBe(1);
    });

    test("a batch handler gets up to maxBatch events at once, each with its context; a batch that throws fails each of its events, retried one by one", async () => {
      const table = tableId();
      const events = Array.from({ length: 7 }, () => recordV2(table));
      for (const event of events) await bus().publish(event);
      const batches: { ids: string[]; deliveries: number[] }[] = [];
      let failedOnce = false;
      await track(bus().subscribeBatch(sdk.RecordCreated, (batch, contexts) => {
        const ids = batch.map((event) => event.id).filter((id) => events.some((event) => event.id === id));
        if (ids.length === 0) return;
        batches.push({ ids, deliveries: contexts.map((context) => context.deliveryCount) });
        if (!failedOnce) {
          failedOnce = true;
          throw new Error("the bulk insert failed");
        }
      }, { durable: durable("batches"), maxBatch: 3, maxWaitMs: 100, backoffMs: [50] }));
      const handled = () => batches.slice(1).flatMap((batch) => batch.ids);
      await harness.eventually(() => handled().length === events.length, "every event handled in a batch after the failed one");
      expect(batches.every((batch) => batch.ids.length <= 3)).toBe(true);
      expect(batches[0]?.ids).toEqual(events.slice(0, 3).map((event) => event.id));
      expect(batches[0]?.deliveries).toEqual([1, 1, 1]);
      expect([...handled()].sort()).toEqual(events.map((event) => event.id).sort());
      const retried = batches.slice(1).flatMap((batch) => batch.ids.map((id, index) => [id, batch.deliveries[index]] as const));
      expect(retried.filter(([, deliveries]) => deliveries === 2).map(([id]) => id).sort()).toEqual(events.slice(0, 3).map((event) => event.id).sort());
      await expect(bus().subscribeBatch(sdk.RecordCreated, () => undefined, { durable: durable("narrow"), maxBatch: 10, concurrency: 2 })).rejects.toThrow(
        'invalid argument "concurrency": at least maxBatch (10) for a batch subscription, whose events each wait for their batch in a handler slot, not 2',
      );
    });

    test("an event whose deadline passes while it waits for its batch leaves the batch: it fails (and comes again), and the batch never handles it", async () => {
      const event = recordV2(tableId());
      const batches: string[][] = [];
      const subscription = await track(bus().subscribeBatch(sdk.RecordCreated, (batch) => void batches.push(batch.map((each) => each.id)), {
        durable: durable("late"),
        maxBatch: 10,
        maxWaitMs: 300,
        handlerTimeoutMs: 50,
        maxDeliver: 2,
        backoffMs: [10],
      }));
      const notifications = collect(subscription.status());
      await bus().publish(event);
      await harness.eventually(() => notifications.some((note) => note.type === "dead_lettered"), "the dead letter");
      // Past the batch's maxWaitMs, when a batch still holding the event would be handled.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(notifications.filter((note) => note.type === "handler_failed")).toHaveLength(1);
      expect(batches.filter((ids) => ids.includes(event.id))).toEqual([]);
      expect((await harness.deadLetters("LATECHFORCE_DLQ")).at(-1)).toMatchObject({ error: "HandlerTimeoutError", eventId: event.id });
    });

    test("listing or replaying dead letters of a stream that is no dead-letter stream is refused, naming those there are", async () => {
      const streams = /a dead-letter stream of the topology \(DEVOPS_MCP_DLQ, .*LATECHFORCE_DLQ.*\), not "LATECHFORCE"/;
      await expect(bus().listDeadLetters("LATECHFORCE")).rejects.toThrow(streams);
      await expect(bus().replayDeadLetter("LATECHFORCE", 1)).rejects.toThrow(streams);
      await expect(bus().listDeadLetters("NOPE")).rejects.toThrow(/not "NOPE"/);
    });

    test("a replayed dead letter is delivered again to the consumer that dead-lettered it only, and leaves the dead-letter stream", async () => {
      const attempts: number[] = [];
      const healthyConsumer: string[] = [];
      let healthy = false;
      const subscription = await track(bus().subscribe(sdk.AutomationTriggered, () => {
        attempts.push(attempts.length + 1);
        if (!healthy) throw new Error("down for now");
      }, { durable: durable("replayed"), maxDeliver: 1 }));
      await track(bus().subscribe(sdk.AutomationTriggered, (event) => void healthyConsumer.push(event.id), { durable: durable("healthy") }));
      const notifications = collect(subscription.status());
      await bus().publish(bus().create(sdk.AutomationTriggered, { aggregateId: "welcome", data: { automationId: "welcome", triggerId: "t-1", runId: "run-1", triggerData: {} } }));
      await harness.eventually(() => notifications.some((note) => note.type === "dead_lettered") && healthyConsumer.length === 1, "the dead letter, and the other consumer's delivery");
      const [letter] = await harness.deadLetters("LATECHFORCE_DLQ");
      if (letter === undefined) throw new Error("no dead letter");
      healthy = true;
      expect(await harness.replay(letter.deadLetterStream, letter.seq)).toMatchObject({ consumer: subscription.options.durable });
      await harness.eventually(() => attempts.length === 2, "the replayed delivery");
      await harness.idle();
      expect(healthyConsumer).toHaveLength(1);
      expect(await harness.deadLetters("LATECHFORCE_DLQ")).toEqual([]);
      await expect(harness.replay(letter.deadLetterStream, letter.seq)).rejects.toThrow(/has none at \d+ \(replayed already, or never there/);
      // Its consumers removed and made again under the same name, it is not handed the replay again.
      await bus().unsubscribe(subscription, { removeConsumers: true });
      await track(bus().subscribe(sdk.AutomationTriggered, () => void attempts.push(attempts.length + 1), { durable: subscription.options.durable, deliverPolicy: "new" }));
      await harness.idle();
      expect(attempts).toEqual([1, 2]);
    });

    test("instances of one durable share the events; another durable gets every one of them", async () => {
      const shared = durable("shared");
      const byInstance: [string[], string[]] = [[], []];
      const separate: string[] = [];
      for (const instance of byInstance) {
        await track(bus().subscribe(sdk.RecordCreated, async (event) => {
          instance.push(event.id);
          await new Promise((resolve) => setImmediate(resolve));
        }, { durable: shared, concurrency: 1, prefetch: 1 }));
      }
      await track(bus().subscribe(sdk.RecordCreated, (event) => {
        separate.push(event.id);
      }, { durable: durable("separate") }));
      const table = tableId();
      const events = Array.from({ length: 20 }, () => recordV2(table));
      for (const result of await bus().publishBatch(events)) expect(result.ok).toBe(true);
      const ids = events.map((event) => event.id).sort();
      await harness.eventually(() => byInstance[0].length + byInstance[1].length === ids.length && separate.length === ids.length, "every event on both durables");
      expect([...byInstance[0], ...byInstance[1]].sort()).toEqual(ids);
      expect([...separate].sort()).toEqual(ids);
    });

    test("request/reply: the request resolves with the typed reply that carries its correlation id", async () => {
      await track(bus().subscribe(sdk.CodegenStarted, async (request, context) => {
        await bus().publish(context.create(sdk.CodegenCompleted, { aggregateId: request.aggregateId, data: { jobId: request.data.jobId, graphId: request.data.graphId, processingTime: 7, manifests: [] } }));
      }, { durable: durable("codegen") }));
      const suspensions = new SuspensionManager(bus());
      const jobId = `job-${randomUUID().slice(0, 8)}`;
      const reply = await suspensions.request(sdk.RequestCodegenOperation, {
        aggregateId: jobId,
        data: { jobId, userId: "user-1", graphId: "graph-1", graphData: { nodes: [], edges: [] }, options: { provider: "anthropic", model: "claude" } },
      }, { timeout: 10_000 });
      expect(reply).toBeInstanceOf(sdk.CodegenCompletedV1);
      expect(reply.type === "codegen.completed" && reply.data.jobId).toBe(jobId);
      expect(suspensions.pending).toBe(0);
    });

    test("history reads an aggregate type's events back oldest first, upcast to the latest version", async () => {
      const table = tableId();
      const published = [recordV1(table), recordV2(table), recordV2(tableId())];
      for (const event of published) await bus().publish(event);
      const history = new EventHistory(bus());
      const stored = await history.query({ type: "record-created", aggregateType: "table" });
      expect(stored.map((entry) => entry.event.id)).toEqual(published.map((event) => event.id));
      expect(stored.map((entry) => [entry.storedVersion, entry.event.version])).toEqual([[1, 2], [2, 2], [2, 2]]);
      expect(stored[0]?.event.data.createdBy).toBe("unknown");
      const ofTable = stored.filter((entry) => entry.event.aggregateId === table);
      expect(ofTable.map((entry) => entry.event.id)).toEqual(published.slice(0, 2).map((event) => event.id));
      expect((await history.getEventHistory("record-created", 2)).map((entry) => entry.event)).toEqual(stored.slice(1).map((entry) => entry.event));
    });

    test("history reads by a handle at the latest version, and by a contract at that version (newer events read back as it)", async () => {
      const table = tableId();
      for (const event of [recordV1(table), recordV2(table)]) await bus().publish(event);
      const history = new EventHistory(bus());
      const latest = await history.getEventHistory(sdk.RecordCreated, 5);
      expect(latest.map(({ storedVersion, event }) => [storedVersion, event.version, event instanceof sdk.RecordCreatedV2])).toEqual([[1, 2, true], [2, 2, true]]);
      const pinned = await history.query({ type: sdk.RecordCreatedV1Contract });
      expect(pinned.map(({ storedVersion, event }) => [storedVersion, event.version, event instanceof sdk.RecordCreatedV1])).toEqual([[1, 1, true], [2, 1, true]]);
      expect(pinned[1]?.event.data).not.toHaveProperty("createdBy");
      const replayed: number[] = [];
      for await (const { event } of history.replay({ type: sdk.RecordCreatedV1Contract })) replayed.push(event.version);
      expect(replayed).toEqual([1, 1]);
      expect((await history.getEventHistory(sdk.RecordCreatedV1Contract, 1)).map(({ event }) => event.version)).toEqual([1]);
    });

    test("history reads a list of targets on several channels of one stream in stream order, through every read", async () => {
      const jobId = `job-${randomUUID().slice(0, 8)}`;
      const codegen = () => bus().create(sdk.CodegenCompleted, { aggregateId: jobId, data: { jobId, graphId: "graph-1", processingTime: 10, manifests: [] } });
      const plan = () => bus().create(sdk.PlanCompleted, { aggregateId: jobId, data: { jobId, plan: { summary: "s", resources: [] }, processingTime: 10 } });
      const published = [codegen(), plan(), plan(), codegen(), plan(), codegen()];
      for (const event of published) await bus().publish(event);
      const ids = published.map((event) => event.id);
      const history = new EventHistory(bus());
      const targets = [sdk.CodegenCompleted, "plan.*"] as const;
      const idsOf = (events: readonly { readonly event: { readonly id: string } }[]) => events.map((stored) => stored.event.id);
      expect(idsOf(await history.getEventHistory(targets, 10))).toEqual(ids);
      expect(idsOf(await history.getEventHistory(targets, 2))).toEqual(ids.slice(-2));
      expect(idsOf(await history.query({ type: targets }))).toEqual(ids);
      const replayed: string[] = [];
      for await (const stored of history.replay({ type: targets, fromSeq: 1 })) replayed.push(stored.event.id);
      expect(replayed).toEqual(ids);
    });

    test("context.create carries the correlation id over and names the handled event as the cause", async () => {
      const caused: sdk.RecordCreatedV2[] = [];
      const table = tableId();
      await track(bus().subscribe(sdk.FormSubmitted, async (form, context) => {
        await bus().publish(context.create(sdk.RecordCreated, { aggregateId: table, data: { tableId: table, recordId: `rec-${form.data.submissionId}`, fields: form.data.data, createdBy: "form" } }));
      }, { durable: durable("forms") }));
      await track(bus().subscribe(sdk.RecordCreated, (record) => {
        caused.push(record);
      }, { durable: durable("records") }));
      const form = bus().create(sdk.FormSubmitted, { aggregateId: "contact", metadata: { correlationId: "signup-42" }, data: { formId: "contact", submissionId: "s-1", data: { name: "Ada" } } });
      await bus().publish(form);
      await harness.eventually(() => caused.length === 1, "the caused record");
      expect(caused[0]?.metadata).toMatchObject({ correlationId: "signup-42", causationId: form.id });
      expect(caused[0]?.data.recordId).toBe("rec-s-1");
    });

    test("stop drains: nothing is delivered until start, then what was published meanwhile is", async () => {
      const seen: string[] = [];
      await track(bus().subscribe(sdk.RecordCreated, (event) => {
        seen.push(event.id);
      }, { durable: durable("paused") }));
      await bus().stop();
      const event = recordV2(tableId());
      await bus().publish(event);
      await harness.idle();
      expect(seen).toEqual([]);
      await bus().start();
      await harness.eventually(() => seen.length === 1, "the event after start");
      expect(seen).toEqual([event.id]);
    });
  });
}

/** Collect a subscription's notifications as they come, from now on. */
export function collect(status: AsyncIterable<SubscriptionNotification>): SubscriptionNotification[] {
  const seen: SubscriptionNotification[] = [];
  void (async () => {
    for await (const notification of status) seen.push(notification);
  })();
  return seen;
}

