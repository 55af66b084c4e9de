import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { ArgumentError, SubjectError } from "@evc/runtime";
import { createEventStore, type EventStore } from "@evc/runtime/store";
import { startSaga, waitForSaga } from "@evc/runtime/saga";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: false });
let store: EventStore;
const disconnects: string[] = [];

beforeAll(async () => {
  store = await createEventStore(fixture.bus);
  void (async () => {
    for await (const status of fixture.bus.connection.status()) if (status.type === "disconnect" || status.type === "error") disconnects.push(status.type);
  })();
});

const long = "x".repeat(5_000);
const hidden = { NUL: "a\u0000b", DEL: "a\u007fb", ESC: "a\u001b[31mb", "U+202E": "a\u202eb", "U+200B": "a\u200bb" };

function taskCreated(taskId: string) {
  return new sdk.TaskCreatedV1({ id: randomUUID(), aggregateId: taskId, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: "t", task_type: "deploy", priority: 1 } });
}

/** A plain-published event (tasks are event-sourced, written by the store only). */
function agentRegistered(agentId: string) {
  return new sdk.AgentRegisteredV1({ id: randomUUID(), aggregateId: agentId, timestamp: new Date().toISOString(), metadata: {}, data: { agent_id: "a", model: "m", capabilities: [] } });
}

describe("runtime - ids are checked in one place before anything is sent", () => {
  test("a 5,000-character id is refused with a clear error by publish, the store, snapshots, sagas and subscriptions, and the connection stays up", async () => {
    expect(() => taskCreated(long)).toThrowError(/aggregateId must NOT have more than 256 characters/);
    const ref = { aggregateType: "task", aggregateId: long };
    await expect(store.append(ref, [taskCreated("task-1")], { expectedVersion: 0 })).rejects.toThrowError(ArgumentError);
    await expect(store.load(ref)).rejects.toThrowError(/invalid argument "aggregateId": at most 256 bytes/);
    await expect(store.version(ref)).rejects.toThrowError(ArgumentError);
    await expect(store.loadSnapshot(ref)).rejects.toThrowError(ArgumentError);
    await expect(fixture.bus.subscribe("task.created", () => undefined, { durable: long })).rejects.toThrowError(/invalid argument "durable": at most 256 bytes/);
    await expect(waitForSaga(fixture.bus, "ids", long, { timeoutMs: 1_000 })).rejects.toThrowError(/invalid argument "instanceId": at most 256 bytes/);
    const runner = await startSaga(fixture.bus, { name: "ids", startOn: "task.created", instanceId: () => long, initialState: () => ({}), steps: [{ id: "a", run: () => undefined }] });
    try {
      await expect(runner.begin(taskCreated("task-1"))).rejects.toThrowError(/invalid argument "instanceId": at most 256 bytes/);
    } finally {
      await runner.stop();
    }
    expect(fixture.bus.connection.isClosed()).toBe(false);
    const ack = await fixture.bus.publish(agentRegistered(`agent-${randomUUID()}`));
    expect(ack.duplicate).toBe(false);
    expect(disconnects).toEqual([]);
  });

  test.each(Object.entries(hidden))("an id holding %s is refused everywhere alike", async (_name, id) => {
    const code = (/[\u0000-\u001f\u007f\u200b\u202e]/u.exec(id)?.[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0");
    const expected = new RegExp(`no control or invisible characters, but .* holds U\\+${code} at index 1`);
    await expect(fixture.bus.publish(agentRegistered(id))).rejects.toThrowError(SubjectError);
    await expect(fixture.bus.publish(agentRegistered(id))).rejects.toThrowError(expected);
    await expect(store.load({ aggregateType: "task", aggregateId: id })).rejects.toThrowError(expected);
    await expect(fixture.bus.subscribe("task.created", () => undefined, { durable: `d${id}` })).rejects.toThrowError(/no control or invisible characters/);
    await expect(waitForSaga(fixture.bus, "ids", id, { timeoutMs: 1_000 })).rejects.toThrowError(expected);
  });
});
