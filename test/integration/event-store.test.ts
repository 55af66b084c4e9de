import { randomUUID } from "node:crypto";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { contextAggregate, contextUpdated, createContext, type ContextEvent, type ContextState } from "../../demo/context-aggregate.js";
import { ArgumentError, connect, encodeEvent, EventSourcedPublishError, type EventBus, ValidationError } from "@evc/runtime";
import { AggregateHistoryError, ConcurrencyError, createEventStore, defineAggregate, PartialAppendError, Repository, StoreHeader, type AggregateRef, type EventStore } from "@evc/runtime/store";
import { useBus } from "../helpers/bus.js";
import { contextCreated } from "../helpers/contexts.js";
import { until } from "../helpers/until.js";

const fixture = useBus({ reset: false });
let store: EventStore<sdk.LatestEvents>;

beforeAll(async () => {
  store = await createEventStore(fixture.bus);
});

const contextRef = (aggregateId = `ctx-${randomUUID().slice(0, 8)}`): AggregateRef<"context"> => ({ aggregateType: "context", aggregateId });

async function subjectMessages(subject: string): Promise<number> {
  const info = await fixture.bus.manager.streams.info("DEVOPS_MCP", { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

describe("event store - Integr8sCode's user settings, event-sourced (seed 004)", () => {
  const settingsChanged = (userId: string, changes: Record<string, unknown>) =>
    new sdk.UserSettingsUpdatedV1({ id: randomUUID(), aggregateId: userId, timestamp: new Date().toISOString(), metadata: { userId }, data: { user_id: userId, changed_fields: Object.keys(changes), reason: null, ...changes } });

  test("settings are appended to the store and rebuilt by merging each change; a plain publish of them is refused", async () => {
    const userId = `user-${randomUUID().slice(0, 8)}`;
    const ref = { aggregateType: "user_settings" as const, aggregateId: userId };
    await store.append(ref, [settingsChanged(userId, { theme: "dark", language: "en" })], { expectedVersion: 0 });
    await store.append(ref, [settingsChanged(userId, { language: "fr" })], { expectedVersion: 1 });
    const loaded = await store.load(ref);
    const { user_id: _user, changed_fields: _changed, reason: _reason, ...settings } = loaded.events.reduce<Record<string, unknown>>((state, recorded) => ({ ...state, ...recorded.event.data }), {});
    expect({ version: loaded.version, settings }).toEqual({ version: 2, settings: { theme: "dark", language: "fr" } });
    await expect(fixture.bus.publish(settingsChanged(userId, { theme: "light" }))).rejects.toThrowError(EventSourcedPublishError);
    expect(await store.version(ref)).toBe(2);
  });
});

describe("event store - append", () => {
  test("appends with the expected version; a writer with a stale version gets a ConcurrencyError and writes nothing", async () => {
    const ref = contextRef();
    const first = await store.append(ref, [contextCreated(ref.aggregateId)], { expectedVersion: 0 });
    expect(first).toMatchObject({ version: 1, duplicate: false });
    const second = await store.append(ref, [contextUpdated(ref.aggregateId, { name: "a" }, "u"), contextUpdated(ref.aggregateId, { name: "b" }, "u")], { expectedVersion: 1 });
    expect(second.version).toBe(3);
    expect(second.acks.map((ack) => ack.seq)).toEqual([...second.acks.map((ack) => ack.seq)].sort((a, b) => a - b));

    const stale = contextUpdated(ref.aggregateId, { name: "stale" }, "u");
    const refused = await store.append(ref, [stale], { expectedVersion: 1 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConcurrencyError);
    expect(refused).toMatchObject({ expectedVersion: 1, actualVersion: 3, inProgress: false });
    expect((refused as Error).message).toBe(`cannot append to "devops-mcp.context.${ref.aggregateId}" at version 1: it is at version 3; load it again and retry`);
    await expect(store.append(ref, [stale], { expectedVersion: 0 })).rejects.toThrowError(ConcurrencyError);
    expect(await subjectMessages(`devops-mcp.context.${ref.aggregateId}`)).toBe(3);

    const other = await createEventStore(fixture.bus);
    await expect(other.append(contextRef(ref.aggregateId), [stale], { expectedVersion: 2 })).rejects.toMatchObject({ actualVersion: 3 });
    expect((await other.append(ref, [stale], { expectedVersion: 3 })).version).toBe(4);
    await expect(store.append(ref, [contextUpdated(ref.aggregateId, {}, "u")], { expectedVersion: 3 })).rejects.toMatchObject({ actualVersion: 4 });
    expect((await store.load(ref)).events.map((event) => event.event.id).at(-1)).toBe(stale.id);
  });

  test("every event is validated before anything is sent, and events of another aggregate are refused", async () => {
    const ref = contextRef();
    const valid = contextCreated(ref.aggregateId);
    const invalid = { ...contextUpdated(ref.aggregateId, {}, "u").toJSON(), data: { context_id: ref.aggregateId, changes: {}, updated_by: "" } };
    // An event's JSON is appended through a ref whose aggregate type is not a literal.
    await expect(store.append(ref as AggregateRef, [valid, invalid], { expectedVersion: 0 })).rejects.toThrowError(ValidationError);
    await expect(store.append(ref, [valid, contextUpdated("ctx-elsewhere", {}, "u")], { expectedVersion: 0 })).rejects.toThrowError(
      `invalid argument "events": events of "devops-mcp.context.${ref.aggregateId}", but event 1`,
    );
    const task = new sdk.TaskCreatedV1({ id: randomUUID(), aggregateId: ref.aggregateId, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: "t", task_type: "deploy", priority: 1 } });
    // @ts-expect-error -- a task's event does not compile on a context's ref, and is refused at run time
    await expect(store.append(ref, [task], { expectedVersion: 0 })).rejects.toThrowError('events of aggregate type "context", but event 0 is "task.created"');
    await expect(store.append(ref, [valid, valid], { expectedVersion: 0 })).rejects.toThrowError(ArgumentError);
    await expect(store.append(ref, [], { expectedVersion: 0 })).rejects.toThrowError(ArgumentError);
    await expect(store.append(ref, [valid], { expectedVersion: -1 })).rejects.toThrowError(ArgumentError);
    // An aggregate type no event has does not compile; one only known at run time is refused there.
    await expect(store.append({ aggregateType: "nope" as string, aggregateId: "x" }, [valid], { expectedVersion: 0 })).rejects.toThrowError('"nope"');
    expect(await subjectMessages(`devops-mcp.context.${ref.aggregateId}`)).toBe(0);
  });

  test("an append repeated with the same event ids stores nothing and says it was a duplicate", async () => {
    const ref = contextRef();
    const events = [contextCreated(ref.aggregateId), contextUpdated(ref.aggregateId, { name: "x" }, "u")];
    const first = await store.append(ref, events, { expectedVersion: 0 });
    const again = await store.append(ref, events, { expectedVersion: 2 });
    expect(again).toMatchObject({ duplicate: true, version: 2, seq: first.seq, acks: [] });
    expect(await subjectMessages(`devops-mcp.context.${ref.aggregateId}`)).toBe(2);
  });

  test("an append retried as it was (its ack lost): the same expected version and ids say duplicate, from any store; other events at that version still conflict", async () => {
    const ref = contextRef();
    const events = [contextCreated(ref.aggregateId), contextUpdated(ref.aggregateId, { name: "x" }, "u")];
    const first = await store.append(ref, events, { expectedVersion: 0 });
    expect(await store.append(ref, events, { expectedVersion: 0 })).toMatchObject({ duplicate: true, version: 2, seq: first.seq, acks: [] });
    const fresh = await createEventStore(fixture.bus);
    expect(await fresh.append(ref, events, { expectedVersion: 0 })).toMatchObject({ duplicate: true, version: 2, seq: first.seq, acks: [] });
    await expect(fresh.append(ref, [contextUpdated(ref.aggregateId, { name: "y" }, "u")], { expectedVersion: 1 })).rejects.toThrowError(ConcurrencyError);
    expect(await subjectMessages(`devops-mcp.context.${ref.aggregateId}`)).toBe(2);
  });

  test("8 writers × 25 appends on one aggregate: exactly the successful appends are stored, in the order acknowledged, versions 1..n without a gap", async () => {
    const ref = contextRef();
    await store.append(ref, [contextCreated(ref.aggregateId)], { expectedVersion: 0 });
    const writers = await Promise.all(Array.from({ length: 8 }, (_, index) => writer(index)));
    try {
      const outcomes = await Promise.all(writers.map(({ store: own }, index) => appendMany(own, ref, index, 25, 1)));
      const stored = outcomes.flatMap((outcome) => outcome.stored).sort((a, b) => a.seq - b.seq);
      const refused = outcomes.flatMap((outcome) => outcome.refused);
      expect(stored).toHaveLength(200);
      expect(refused.length).toBeGreaterThan(0);

      const loaded = await store.load(ref);
      expect(loaded.version).toBe(201);
      expect(loaded.events.map((event) => event.aggregateVersion)).toEqual(Array.from({ length: 201 }, (_, index) => index + 1));
      expect(loaded.events.slice(1).map((event) => (event.event as sdk.ContextUpdatedV1).id)).toEqual(stored.flatMap((append) => append.ids));
      const ids = new Set(loaded.events.map((event) => (event.event as sdk.ContextUpdatedV1).id));
      expect(refused.filter((id) => ids.has(id))).toEqual([]);
      expect(await subjectMessages(`devops-mcp.context.${ref.aggregateId}`)).toBe(201);
    } finally {
      await Promise.all(writers.map(({ bus }) => bus.close()));
    }
  }, 120_000);

  test("concurrent appends of 3 events each never interleave: each append's events are stored together or not at all", async () => {
    const ref = contextRef();
    const writers = await Promise.all(Array.from({ length: 6 }, (_, index) => writer(index)));
    try {
      await store.append(ref, [contextCreated(ref.aggregateId)], { expectedVersion: 0 });
      const outcomes = await Promise.all(writers.map(({ store: own }, index) => appendMany(own, ref, index, 10, 3)));
      const stored = outcomes.flatMap((outcome) => outcome.stored).sort((a, b) => a.seq - b.seq);
      const loaded = await store.load(ref);
      expect(loaded.version).toBe(1 + 6 * 10 * 3);
      expect(loaded.events.map((event) => event.aggregateVersion)).toEqual(Array.from({ length: loaded.version }, (_, index) => index + 1));
      expect(loaded.events.slice(1).map((event) => (event.event as sdk.ContextUpdatedV1).id)).toEqual(stored.flatMap((append) => append.ids));
      const refused = new Set(outcomes.flatMap((outcome) => outcome.refused));
      expect(loaded.events.some((event) => refused.has((event.event as sdk.ContextUpdatedV1).id))).toBe(false);
    } finally {
      await Promise.all(writers.map(({ bus }) => bus.close()));
    }
  }, 120_000);

  test("an append left unfinished by a dead writer blocks other writers and is hidden from loads, until it counts as abandoned", async () => {
    const patient = await createEventStore(fixture.bus, { abandonedAppendMs: 1_500 });
    const ref = contextRef();
    const created = await patient.append(ref, [contextCreated(ref.aggregateId)], { expectedVersion: 0 });
    const orphan = contextUpdated(ref.aggregateId, { name: "half" }, "dead-writer");
    await publishPart(orphan, { seq: created.seq, version: 2, first: 2, last: 3 });

    const loaded = await patient.load(ref);
    expect(loaded.version).toBe(1);
    expect(loaded.events).toHaveLength(1);
    expect(await patient.version(ref)).toBe(1);
    const next = contextUpdated(ref.aggregateId, { name: "next" }, "u");
    await expect(patient.append(ref, [next], { expectedVersion: 1 })).rejects.toMatchObject({ name: "ConcurrencyError", actualVersion: 1, inProgress: true });

    await until(async () => (await patient.version(ref)) === 2, "the unfinished append to count as abandoned");
    expect((await patient.load(ref)).events.map((event) => event.event.id)).toEqual([expect.any(String), orphan.id]);
    expect((await patient.append(ref, [next], { expectedVersion: 2 })).version).toBe(3);
  });

  test("an append whose later event reuses a stored id stops there with a PartialAppendError, and its stored part stays fenced off", async () => {
    const ref = contextRef();
    const reused = contextCreated(ref.aggregateId);
    await store.append(ref, [reused], { expectedVersion: 0 });
    const fresh = contextUpdated(ref.aggregateId, { name: "fresh" }, "u");
    const stopped = await store.append(ref, [fresh, reused], { expectedVersion: 1 }).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(PartialAppendError);
    expect(stopped).toMatchObject({ total: 2, stored: [{ id: fresh.id, duplicate: false }] });
    expect((stopped as Error).message).toContain(`stopped after 1 of 2 events: event ${reused.id} was stored before (a reused event id)`);
    expect(await store.load(ref)).toMatchObject({ version: 1, events: [{ aggregateVersion: 1 }] });
    await expect(store.append(ref, [contextUpdated(ref.aggregateId, {}, "u")], { expectedVersion: 1 })).rejects.toMatchObject({ inProgress: true });
  });

  test("a message published on an aggregate's subject around the store is reported, not silently numbered", async () => {
    const ref = contextRef();
    await store.append(ref, [contextCreated(ref.aggregateId)], { expectedVersion: 0 });
    const sneaky = encodeEvent(sdk.ContextUpdatedV1Contract, contextUpdated(ref.aggregateId, { name: "sneaky" }, "u").toJSON() as never, { source: "test", trace: undefined });
    await fixture.bus.jetstream.publish(sneaky.subject, sneaky.body, { headers: sneaky.headers });
    await expect(store.load(ref)).rejects.toThrowError(AggregateHistoryError);
    await expect(store.append(ref, [contextUpdated(ref.aggregateId, {}, "u")], { expectedVersion: 1 })).rejects.toThrowError(
      new RegExp(`^cannot load the aggregate on "devops-mcp\\.context\\.${ref.aggregateId}": #\\d+ carries no "${StoreHeader.aggregateVersion}" header: only the event store may publish on an aggregate's subject$`),
    );
  });
});

describe("event store - load", () => {
  test("returns the events in order from a version on, upcast to the latest version (model.registered v1 and v2 read as v3)", async () => {
    const ref = { aggregateType: "model_catalog" as const, aggregateId: `catalog-${randomUUID().slice(0, 8)}` };
    const envelope = () => ({ id: randomUUID(), aggregateId: ref.aggregateId, timestamp: new Date().toISOString(), metadata: {} });
    await store.append(
      ref,
      [
        new sdk.ModelRegisteredV1({ ...envelope(), data: { model_id: "minilm", task_type: "txt2embed", version: "v1" } }),
        new sdk.ModelRegisteredV2({ ...envelope(), data: { model_id: "bge", task_type: "txt2embed", version: "v2", checksum: "sha256:1" } }),
        new sdk.ModelRegisteredV3({ ...envelope(), data: { model: { id: "e5", version: "v3", checksum: "sha256:2" }, task_type: "txt2embed" } }),
      ],
      { expectedVersion: 0 },
    );
    const loaded = await store.load(ref);
    expect(loaded.events.map(({ storedVersion, event }) => [storedVersion, event.version, event.type === "model.registered" && event.data.model])).toEqual([
      [1, 3, { id: "minilm", version: "v1", checksum: "unknown" }],
      [2, 3, { id: "bge", version: "v2", checksum: "sha256:1" }],
      [3, 3, { id: "e5", version: "v3", checksum: "sha256:2" }],
    ]);
    expect(loaded.events.every((stored) => stored.event instanceof sdk.ModelRegisteredV3)).toBe(true);
    const tail = await store.load(ref, { fromVersion: 2 });
    expect(tail.events.map(({ event }) => event.type === "model.registered" && event.data.model.id)).toEqual(["bge", "e5"]);
    expect(await store.load(ref, { fromVersion: 4 })).toMatchObject({ events: [], version: 3 });
    expect(await store.load({ ...ref, aggregateId: "never-written" })).toEqual({ events: [], version: 0, seq: undefined });
  });

  test("fromVersion finds its start among other aggregates' events, with or without a sequence hint", async () => {
    const ref = contextRef();
    const other = contextRef();
    await store.append(ref, [contextCreated(ref.aggregateId)], { expectedVersion: 0 });
    await store.append(other, [contextCreated(other.aggregateId)], { expectedVersion: 0 });
    for (let version = 1; version < 60; version++) {
      await store.append(ref, [contextUpdated(ref.aggregateId, { name: `n${version}` }, "u")], { expectedVersion: version });
      await store.append(other, [contextUpdated(other.aggregateId, { name: `o${version}` }, "u")], { expectedVersion: version });
    }
    const all = await store.load(ref);
    for (const from of [2, 17, 31, 59, 60]) {
      const loaded = await store.load(ref, { fromVersion: from });
      expect(loaded.events.map((event) => event.event.id)).toEqual(all.events.slice(from - 1).map((event) => event.event.id));
    }
    const hinted = await store.load(ref, { fromVersion: 31, afterSeq: (all.events[29] as { seq: number }).seq });
    expect(hinted.events.map((event) => event.aggregateVersion)).toEqual(Array.from({ length: 30 }, (_, index) => index + 31));
    const misleading = await store.load(ref, { fromVersion: 31, afterSeq: 1 });
    expect(misleading.events.map((event) => event.aggregateVersion)).toEqual(hinted.events.map((event) => event.aggregateVersion));
  });
});

describe("event store - snapshots and the repository", () => {
  async function contextWith(repository: Repository<ContextState, ContextEvent>, updates: number) {
    const id = `ctx-${randomUUID().slice(0, 8)}`;
    await repository.update(id, (context) => createContext(context, { name: "deployments", description: "prod", agentId: "agent-7", createdBy: "user-1" }));
    for (let index = 1; index <= updates; index++) {
      await repository.update(id, (context) => context.record(contextUpdated(id, index % 3 === 0 ? { description: `d${index}` } : { name: `n${index}` }, "user-1")));
    }
    return id;
  }

  test("a snapshot plus the events after it rebuild the same state as a full replay", async () => {
    const repository = new Repository(store, contextAggregate(10));
    const id = await contextWith(repository, 24);
    const fromSnapshot = await repository.load(id);
    const replayed = await repository.load(id, { useSnapshot: false });
    expect(fromSnapshot.snapshotVersion).toBe(20);
    expect(replayed.snapshotVersion).toBeUndefined();
    expect(fromSnapshot.version).toBe(25);
    expect(fromSnapshot.state).toEqual(replayed.state);
    expect(fromSnapshot.state).toMatchObject({ name: "n23", description: "d24", updates: 24, state: "active" });
    expect(await store.loadSnapshot(repository.ref(id))).toMatchObject({ version: 20, stateVersion: 1, seq: expect.any(Number) });

    const folded = (await store.load(contextRef(id))).events.reduce((state, stored) => contextAggregate().apply(state, stored.event), contextAggregate().initialState(id));
    expect(folded).toEqual(replayed.state);
  });

  test("save snapshots when the version passes a multiple of snapshotEvery, and never replaces a snapshot with an older one", async () => {
    const repository = new Repository(store, contextAggregate(4));
    const id = `ctx-${randomUUID().slice(0, 8)}`;
    const context = await repository.load(id);
    createContext(context, { name: "a", description: "", agentId: "agent-7", createdBy: "u" });
    for (let index = 0; index < 4; index++) context.record(contextUpdated(id, { name: `n${index}` }, "u"));
    const saved = await repository.save(context);
    expect(saved).toMatchObject({ version: 5, snapshotSaved: true });
    expect(context.pending).toEqual([]);
    expect(await repository.save(context)).toBeUndefined();
    context.record(contextUpdated(id, { name: "six" }, "u"));
    expect(await repository.save(context)).toMatchObject({ version: 6, snapshotSaved: false });
    expect(await store.saveSnapshot(repository.ref(id), { version: 3, state: context.state })).toBe(false);
    expect((await store.loadSnapshot(repository.ref(id)))?.version).toBe(5);
  });

  test("snapshots of another state shape version are ignored; one ahead of the stored events is an error", async () => {
    const repository = new Repository(store, contextAggregate(10));
    const id = await contextWith(repository, 12);
    const reshaped = new Repository(store, { ...contextAggregate(10), stateVersion: 2 });
    const rebuilt = await reshaped.load(id);
    expect(rebuilt.snapshotVersion).toBeUndefined();
    expect(rebuilt.state).toEqual((await repository.load(id)).state);

    const ahead = `ctx-${randomUUID().slice(0, 8)}`;
    await repository.update(ahead, (context) => createContext(context, { name: "fresh", description: "", agentId: "a", createdBy: "u" }));
    await store.saveSnapshot(repository.ref(ahead), { version: 50, state: { ...contextAggregate().initialState(ahead), name: "from a stream that is gone" } });
    await expect(repository.load(ahead)).rejects.toThrowError(/its snapshot is at version 50 but the stream holds it at version 1/);
    expect((await repository.load(ahead, { useSnapshot: false })).state.name).toBe("fresh");
  });

  test("record validates events and refuses those of other aggregates, changing nothing", async () => {
    const repository = new Repository(store, contextAggregate());
    const context = await repository.load("ctx-record");
    expect(() => context.record(contextUpdated("ctx-other", {}, "u"))).toThrowError(ArgumentError);
    const invalid = { ...contextCreated("ctx-record").toJSON(), data: {} };
    // A typed aggregate records no event's JSON; a JavaScript caller's is validated.
    expect(() => context.record(invalid as never)).toThrowError(ValidationError);
    expect(context.pending).toEqual([]);
    expect(context.state).toEqual(contextAggregate().initialState("ctx-record"));
  });

  test("record refuses an event of a type the definition does not declare, naming those it declares", async () => {
    const created = defineAggregate({ aggregateType: "task", events: [sdk.TaskCreated], initialState: () => ({ created: false }), apply: () => ({ created: true }) });
    const task = await new Repository(store, created).load("task-record");
    const assigned = new sdk.AgentAssignedV1({ id: randomUUID(), aggregateId: "task-record", timestamp: new Date().toISOString(), metadata: {}, data: { task_id: "task-record", agent_id: "a-1" } });
    // agent.assigned is of aggregate type task, but this definition does not declare it: it does not compile either.
    expect(() => task.record(assigned as never)).toThrowError('invalid argument "event": an event of a type the aggregate "task" declares (task.created), not "agent.assigned"');
    expect(task.pending).toEqual([]);
  });

  test("load refuses a history holding an event of a type the definition does not declare, naming it and its version", async () => {
    const created = defineAggregate({ aggregateType: "task", events: [sdk.TaskCreated], initialState: () => ({ events: 0 }), apply: (state) => ({ events: state.events + 1 }) });
    const id = `task-${randomUUID().slice(0, 8)}`;
    const createdEvent = new sdk.TaskCreatedV1({ id: randomUUID(), aggregateId: id, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: id, task_type: "deploy", priority: 1 } });
    const assigned = new sdk.AgentAssignedV1({ id: randomUUID(), aggregateId: id, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: id, agent_id: "a-1" } });
    // Another writer, whose definition declares both, appends them.
    await store.append({ aggregateType: "task", aggregateId: id }, [createdEvent, assigned], { expectedVersion: 0 });
    const repository = new Repository(store, created);
    await expect(repository.load(id)).rejects.toThrowError(
      new AggregateHistoryError(`devops-mcp.task.${id}`, 'its event at version 2 is "agent.assigned", a type the aggregate\'s definition does not declare (task.created); add its handle to the definition\'s events to fold it'),
    );
    const both = defineAggregate({ aggregateType: "task", events: [sdk.TaskCreated, sdk.AgentAssigned], initialState: () => ({ events: 0 }), apply: (state) => ({ events: state.events + 1 }) });
    expect((await new Repository(store, both).load(id)).state).toEqual({ events: 2 });
  });

  test("update retries on ConcurrencyError with a fresh load, so concurrent commands all land", async () => {
    const repository = new Repository(store, contextAggregate(0));
    const id = await contextWith(repository, 0);
    await Promise.all(Array.from({ length: 10 }, (_, index) => repository.update(id, (context) => context.record(contextUpdated(id, { name: `w${index}` }, "u")), { attempts: 50 })));
    const loaded = await repository.load(id);
    expect(loaded.version).toBe(11);
    expect(loaded.state.updates).toBe(10);
  });
});

describe("event store - query", () => {
  test("selects across aggregates by type, aggregate type, system, storage time and limit, oldest first", async () => {
    await fixture.reset();
    const fresh = await createEventStore(fixture.bus);
    const task = (id: string) => new sdk.TaskCreatedV1({ id: randomUUID(), aggregateId: id, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: id, task_type: "deploy", priority: 3 } });
    const assigned = (id: string) => new sdk.AgentAssignedV1({ id: randomUUID(), aggregateId: id, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: id, agent_id: "agent-7" } });
    await fresh.append({ aggregateType: "task", aggregateId: "t-1" }, [task("t-1"), assigned("t-1")], { expectedVersion: 0 });
    await fresh.append(contextRef("c-1"), [contextCreated("c-1")], { expectedVersion: 0 });
    await sleep(30);
    await fresh.append({ aggregateType: "task", aggregateId: "t-2" }, [task("t-2")], { expectedVersion: 0 });
    await fresh.append(contextRef("c-1"), [contextUpdated("c-1", { name: "x" }, "u")], { expectedVersion: 1 });
    await sleep(30);
    await fresh.append({ aggregateType: "task", aggregateId: "t-2" }, [assigned("t-2")], { expectedVersion: 1 });

    const line = (events: { type: string; subject: string }[]) => events.map((event) => `${event.type}@${event.subject.split(".").at(-1)}`);
    expect(line(await fresh.query({ aggregateType: "task" }))).toEqual(["task.created@t-1", "agent.assigned@t-1", "task.created@t-2", "agent.assigned@t-2"]);
    expect(line(await fresh.query({ type: "agent.assigned" }))).toEqual(["agent.assigned@t-1", "agent.assigned@t-2"]);
    expect(line(await fresh.query({ type: "*.created", system: "devops-mcp" }))).toEqual(["task.created@t-1", "context.created@c-1", "task.created@t-2"]);
    expect(line(await fresh.query({ type: "context.*", limit: 1 }))).toEqual(["context.created@c-1"]);

    const all = await fresh.query({ system: "devops-mcp" });
    expect(all).toHaveLength(6);
    const second = all.find((event) => event.subject.endsWith("t-2")) as { time: Date };
    const beforeSecond = all.filter((event) => event.time < second.time).at(-1) as { time: Date };
    expect(line(await fresh.query({ system: "devops-mcp", from: second.time }))).toEqual(["task.created@t-2", "context.updated@c-1", "agent.assigned@t-2"]);
    expect(line(await fresh.query({ system: "devops-mcp", to: beforeSecond.time }))).toEqual(["task.created@t-1", "agent.assigned@t-1", "context.created@c-1"]);
    expect(line(await fresh.query({ aggregateType: "task", from: second.time, limit: 1 }))).toEqual(["task.created@t-2"]);
    // A literal that matches no type does not compile; one only known at run time is refused there.
    await expect(fresh.query({ type: "nothing.matches" as string })).rejects.toThrowError(ArgumentError);
    await expect(fresh.query({ limit: 0 })).rejects.toThrowError(ArgumentError);

    const consumers: string[] = [];
    for await (const consumer of fixture.bus.manager.consumers.list("DEVOPS_MCP")) consumers.push(consumer.name);
    expect(consumers).toEqual([]);
  });
});

/** A writer with its own connection and store. */
async function writer(index: number): Promise<{ bus: EventBus; store: EventStore }> {
  const bus = await connect({ registry: sdk.registry, servers: fixture.server.url, name: `writer-${index}`, provision: false });
  return { bus, store: await createEventStore(bus) };
}

/** Append `appends` times `size` events, each time from the version just read, retrying on conflicts; record what was stored and refused. */
async function appendMany(own: EventStore, ref: AggregateRef, index: number, appends: number, size: number) {
  const stored: { seq: number; ids: string[] }[] = [];
  const refused: string[] = [];
  while (stored.length < appends) {
    const version = await own.version(ref);
    const events = Array.from({ length: size }, (_, part) => contextUpdated(ref.aggregateId, { name: `w${index}-${stored.length}-${part}` }, `writer-${index}`));
    try {
      const result = await own.append(ref, events, { expectedVersion: version });
      stored.push({ seq: result.seq, ids: events.map((event) => event.id) });
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      refused.push(...events.map((event) => event.id));
    }
  }
  return { stored, refused };
}

/** Publish one part of an append the way a writer that then died would have. */
async function publishPart(event: sdk.ContextUpdatedV1, part: { seq: number; version: number; first: number; last: number }): Promise<void> {
  const encoded = encodeEvent(sdk.ContextUpdatedV1Contract, event.toJSON() as never, { source: "dead-writer", trace: undefined });
  const headers = natsHeaders();
  for (const [name, values] of encoded.headers) for (const value of values) headers.append(name, value);
  headers.set("Nats-Expected-Last-Subject-Sequence", String(part.seq));
  headers.set(StoreHeader.aggregateVersion, String(part.version));
  headers.set(StoreHeader.appendFirst, String(part.first));
  headers.set(StoreHeader.appendLast, String(part.last));
  await fixture.bus.jetstream.publish(encoded.subject, encoded.body, { headers, msgID: encoded.id });
}
