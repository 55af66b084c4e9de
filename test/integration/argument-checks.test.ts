import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { ArgumentError, connect, EventHistory } from "@evc/runtime";
import { Outbox } from "@evc/runtime/outbox";
import { startProcessManager, startSaga } from "@evc/runtime/saga";
import { createEventStore, Repository } from "@evc/runtime/store";
import { collaborationProcessManager } from "../../demo/collaboration-process.js";
import { contextAggregate } from "../../demo/context-aggregate.js";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: false });

/** A saga of one step that starts on `task.created`. */
const oneStep = { name: "numbers", startOn: sdk.TaskCreated, initialState: () => ({}), steps: [{ id: "a", run: () => undefined }] };

describe("runtime - a number, a time or a read target that is not what its argument takes is refused, saying what was expected and what was given", () => {
  test.each<[string, string, () => Promise<unknown>]>([
    ["connect", 'invalid argument "maxInFlight": a positive integer, not 0', () => connect({ registry: sdk.registry, servers: fixture.server.url, maxInFlight: 0 })],
    ["connect", 'invalid argument "publishTimeoutMs": a positive number of milliseconds, not NaN', () => connect({ registry: sdk.registry, servers: fixture.server.url, publishTimeoutMs: Number.NaN })],
    ["publishBatch", 'invalid argument "maxInFlight": a positive integer, not NaN', () => fixture.bus.publishBatch([], { maxInFlight: Number.NaN })],
    ["subscribe", 'invalid argument "circuitBreaker.openMs": a positive number of milliseconds for the subscription to "task.created", not -1', () => fixture.bus.subscribe(sdk.TaskCreated, () => undefined, { circuitBreaker: { failureThreshold: 3, openMs: -1 } })],
    ["subscribe", 'invalid argument "circuitBreaker.offline": a function that handles an event while the circuit is open, for the subscription to "task.created", not "queue"', () => fixture.bus.subscribe(sdk.TaskCreated, () => undefined, { circuitBreaker: { failureThreshold: 3, openMs: 1_000, offline: "queue" as never } })],
    ["subscribe", 'invalid argument "ordering": one of "none", "aggregate" for the subscription to "task.created", not "by-key"', () => fixture.bus.subscribe(sdk.TaskCreated, () => undefined, { ordering: "by-key" as never })],
    ["subscribe", 'invalid argument "deliverPolicy": one of "all", "new" for the subscription to "task.created", not "last"', () => fixture.bus.subscribe(sdk.TaskCreated, () => undefined, { deliverPolicy: "last" as never })],
    ["the event store", 'invalid argument "tailCacheSize": 0 or a positive integer, not 1.5', () => createEventStore(fixture.bus, { tailCacheSize: 1.5 })],
    ["the event store", 'invalid argument "fromVersion": a positive integer, not 0', async () => (await createEventStore(fixture.bus)).load({ aggregateType: "context", aggregateId: "c-1" }, { fromVersion: 0 })],
    ["a repository", 'invalid argument "snapshotEvery": 0 or a positive integer, not -10', async () => new Repository(await createEventStore(fixture.bus), { ...contextAggregate(), snapshotEvery: -10 })],
    ["history", 'invalid argument "limit": a positive integer, not 0', () => new EventHistory(fixture.bus).query({ limit: 0 })],
    ["history", 'invalid argument "from": a Date holding a time, not an invalid Date', () => new EventHistory(fixture.bus).query({ type: "task.created", from: new Date("yesterday") })],
    ["history", 'invalid argument "fromTime": a Date holding a time, not "2026-01-01"', () => new EventHistory(fixture.bus).replay({ type: "task.created", fromTime: "2026-01-01" as never }).next()],
    ["history", 'invalid argument "type": a list of at least one handle, contract, type name or pattern, not []', () => new EventHistory(fixture.bus).getEventHistory([] as never, 1)],
    ["history", 'invalid argument "type": a list of handles, contracts, type names and patterns, not 7 at [1]', () => new EventHistory(fixture.bus).query({ type: ["task.created", 7] as never })],
    ["history", 'invalid argument "type": a handle, a contract, a type name or pattern, or a list of them, not null', () => new EventHistory(fixture.bus).replay({ type: null as never }).next()],
    ["history", 'invalid argument "type": each event type at one version, but the list asks for "record-created" at v1 and at v2', () => new EventHistory(fixture.bus).query({ type: [sdk.RecordCreatedV1Contract, "record-created"] })],
    ["history", 'invalid argument "query": a selection matching event types of the registry, but no type matches the type pattern "tsak.*"', () => new EventHistory(fixture.bus).query({ type: ["task.*", "tsak.*" as string] })],
    ["the outbox relay", 'invalid argument "batchSize": a positive integer for the outbox relay, not 0', async () => new Outbox(sdk.registry).relay(undefined as never, fixture.bus, { batchSize: 0 })],
    ["the outbox relay", 'invalid argument "idleMs": a positive number of milliseconds for the outbox relay, not "100"', async () => new Outbox(sdk.registry).relay(undefined as never, fixture.bus, { idleMs: "100" as never })],
    ["a saga", 'invalid argument "scanIntervalMs": a positive number of milliseconds for the saga "numbers", not 0', () => startSaga(fixture.bus, oneStep, { scanIntervalMs: 0 })],
    ["a saga", 'invalid argument "compensationAttempts": a positive integer for the saga "numbers", not Infinity', () => startSaga(fixture.bus, oneStep, { compensationAttempts: Number.POSITIVE_INFINITY })],
    ["a process manager", 'invalid argument "appliedLimit": a positive integer for the process manager "collaboration", not 0', () => startProcessManager(fixture.bus, collaborationProcessManager({ joinTimeoutMs: 1_000 }), { appliedLimit: 0 })],
  ])("%s: %s", async (_, message, call) => {
    const refused = await call().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ArgumentError);
    expect((refused as Error).message).toBe(message);
  });

  test("a refused subscription or runner leaves no consumer behind", async () => {
    const before = await consumerNames();
    await expect(fixture.bus.subscribe(sdk.TaskCreated, () => undefined, { durable: "numbers-refused", maxDeliver: 0 })).rejects.toThrow(ArgumentError);
    await expect(startSaga(fixture.bus, oneStep, { durable: "numbers-saga-refused", leaseMs: -1 })).rejects.toThrow(ArgumentError);
    expect(await consumerNames()).toEqual(before);
  });
});

async function consumerNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const stream of fixture.bus.manager.streams.names()) for await (const consumer of fixture.bus.manager.consumers.list(stream)) names.push(`${stream}/${consumer.name}`);
  return names.sort();
}
