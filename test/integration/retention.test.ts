import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { contextAggregate, contextUpdated, createContext, type ContextEvent, type ContextState } from "../../demo/context-aggregate.js";
import { AggregateHistoryError, ConcurrencyError, createEventStore, Repository, type EventStore } from "@evc/runtime/store";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: false });
let store: EventStore;
let contexts: Repository<ContextState, ContextEvent>;

beforeAll(async () => {
  store = await createEventStore(fixture.bus);
  contexts = new Repository(store, contextAggregate(3));
});

/** Remove an aggregate's events from its stream, as a max age or a limit would. */
async function expire(contextId: string): Promise<void> {
  const { stream, subject } = store.subjectOf(contexts.ref(contextId));
  await fixture.bus.manager.streams.purge(stream, { filter: subject });
}

describe("event store - an aggregate whose events expired is an error, never a reset", () => {
  test("after its events are removed, load, Repository.load and an append at version 0 refuse, and the old state never comes back", async () => {
    const id = `ctx-${randomUUID().slice(0, 8)}`;
    const context = await contexts.load(id);
    createContext(context, { name: "r1", description: "", agentId: "agent-7", createdBy: "u" });
    context.record(contextUpdated(id, { name: "r2" }, "u"));
    context.record(contextUpdated(id, { name: "r3" }, "u"));
    expect(await contexts.save(context)).toMatchObject({ version: 3, snapshotSaved: true });
    await expire(id);

    await expect(store.load(contexts.ref(id))).rejects.toThrowError(AggregateHistoryError);
    await expect(store.load(contexts.ref(id))).rejects.toThrowError(/its snapshot is at version 3 but the stream holds it at version 0: its events were removed/);
    await expect(contexts.load(id)).rejects.toThrowError(AggregateHistoryError);
    const restart = contextUpdated(id, { name: "n1" }, "u");
    await expect(store.append(contexts.ref(id), [restart], { expectedVersion: 0 })).rejects.toThrowError(ConcurrencyError);
    await expect(store.append(contexts.ref(id), [restart], { expectedVersion: 0 })).rejects.toMatchObject({ expectedVersion: 0, actualVersion: 3 });
    expect(await store.version(contexts.ref(id))).toBe(0);
  });

  test("an aggregate that never had a snapshot still starts at version 0", async () => {
    const id = `ctx-${randomUUID().slice(0, 8)}`;
    const context = await contexts.load(id);
    expect(context.version).toBe(0);
    createContext(context, { name: "new", description: "", agentId: "agent-7", createdBy: "u" });
    expect(await contexts.save(context)).toMatchObject({ version: 1 });
  });
});
