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

describe("runtime - a number that is not what its argument takes is refused, saying what was expected and what was given", () => {
  test.each<[string, () => Promise<unknown>, string]>([
    ["connect", () => connect({ registry: sdk.registry, servers: fixture.server.url, maxInFlight: 0 }), 'invalid argument "maxInFlight": a positive integer, not 0'],
    ["connect", () => connect({ registry: sdk.registry, servers: fixture.server.url, publishTimeoutMs: Number.NaN }), 'invalid argument "publishTimeoutMs": a positive number of milliseconds, not NaN'],
    ["publishBatch", () => fixture.bus.publishBatch([], { maxInFlight: Number.NaN }), 'invalid argument "maxInFlight": a positive integer, not NaN'],
    [
      "subscribe",
      () => fixture.bus.subscribe(sdk.TaskCreated, () => undefined, { circuitBreaker: { failureThreshold: 3, openMs: -1 } }),
      'invalid argument "circuitBreaker.openMs": a positive number of milliseconds for the subscription to "task.created", not -1',
    ],
    ["the event store", () => createEventStore(fixture.bus, { tailCacheSize: 1.5 }), 'invalid argument "tailCacheSize": 0 or a positive integer, not 1.5'],
    ["the event store", async () => (await createEventStore(fixture.bus)).load({ aggregateType: "context", aggregateId: "c-1" }, { fromVersion: 0 }), 'invalid argument "fromVersion": a positive integer, not 0'],
    ["a repository", async () => new Repository(await createEventStore(fixture.bus), { ...contextAggregate(), snapshotEvery: -10 }), 'invalid argument "snapshotEvery": 0 or a positive integer, not -10'],
    ["history", () => new EventHistory(fixture.bus).query({ limit: 0 }), 'invalid argument "limit": a positive integer, not 0'],
    ["the outbox relay", async () => new Outbox(sdk.registry).relay(undefined as never, fixture.bus, { batchSize: 0 }), 'invalid argument "batchSize": a positive integer for the outbox relay, not 0'],
    ["the outbox relay", async () => new Outbox(sdk.registry).relay(undefined as never, fixture.bus, { idleMs: "100" as never }), 'invalid argument "idleMs": a positive number of milliseconds for the outbox relay, not "100"'],
    ["a saga", () => startSaga(fixture.bus, oneStep, { scanIntervalMs: 0 }), 'invalid argument "scanIntervalMs": a positive number of milliseconds for the saga "numbers", not 0'],
    ["a saga", () => startSaga(fixture.bus, oneStep, { compensationAttempts: Number.POSITIVE_INFINITY }), 'invalid argument "compensationAttempts": a positive integer for the saga "numbers", not Infinity'],
    [
      "a process manager",
      () => startProcessManager(fixture.bus, collaborationProcessManager({ joinTimeoutMs: 1_000 }), { appliedLimit: 0 }),
      'invalid argument "appliedLimit": a positive integer for the process manager "collaboration", not 0',
    ],
  ])("%s: %s", async (_, call, message) => {
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
