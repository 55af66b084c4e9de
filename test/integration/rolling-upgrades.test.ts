import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { connect, listDeadLetters, type EventBus, type HandlerContext } from "@evc/runtime";
import { createRegistry, type EventContract } from "@evc/runtime/codegen";
import { createEventStore } from "@evc/runtime/store";
import { useBus } from "../helpers/bus.js";
import { next } from "../helpers/notifications.js";

const fixture = useBus({ reset: true });
const catalog = "770e8400-e29b-41d4-a716-446655440003";

/** Collect what a subscription hands its handler, and resolve when the first has arrived. */
function collector<T>() {
  const seen: { event: T; context: HandlerContext }[] = [];
  let done: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (done = resolve));
  return {
    seen,
    first,
    handler: (event: T, context: HandlerContext) => {
      seen.push({ event, context });
      done();
    },
  };
}

/** Run `use` with a bus of another service on the test server, whose SDK has the generated contracts changed by `edit`. */
async function withOlderService(edit: (contracts: readonly EventContract[]) => EventContract[], use: (older: EventBus) => Promise<void>): Promise<void> {
  const registry = createRegistry({ contracts: edit(sdk.registry.contracts()), topology: sdk.registry.topology });
  const older = await connect({ registry, servers: fixture.server.url, service: "older-sdk", provision: false });
  try {
    await use(older);
  } finally {
    await older.close();
  }
}

function recordCreatedV2(tableId: string) {
  return new sdk.RecordCreatedV2({
    id: randomUUID(),
    aggregateId: tableId,
    timestamp: new Date().toISOString(),
    metadata: { correlationId: "corr-1" },
    data: { tableId, recordId: "r-1", fields: { name: "Ada" }, createdBy: "user-ada" },
  });
}

/** Append a model.registered v3 to the catalog through the event store, the one writer of catalogs. */
async function appendModelRegisteredV3(): Promise<void> {
  const store = await createEventStore(fixture.bus);
  await store.append({ aggregateType: "model_catalog", aggregateId: catalog }, [modelRegisteredV3()], { expectedVersion: 0 });
}

function modelRegisteredV3() {
  return new sdk.ModelRegisteredV3({
    id: randomUUID(),
    aggregateId: catalog,
    timestamp: "2025-12-04T10:30:00Z",
    metadata: {},
    data: { model: { id: "sentence-transformers/all-MiniLM-L6-v2", version: "v2.2.2", checksum: "sha256:9a3f0c" }, task_type: "txt2embed" },
  });
}

describe("runtime - rolling upgrades", () => {
  test("a consumer pinned to record-created v1 reads v2 from an upgraded producer as v1, createdBy dropped", async () => {
    const published = recordCreatedV2(`tbl-${randomUUID().slice(0, 8)}`);
    await fixture.bus.publish(published);
    const seen = collector<sdk.RecordCreatedV1>();
    const handled: string[] = [];
    const subscription = await fixture.bus.subscribe(
      sdk.RecordCreatedV1Contract,
      (event, context) => {
        handled.push(event.data.recordId);
        seen.handler(event, context);
      },
      { durable: "pinned-v1" },
    );
    await seen.first;
    const [delivery] = seen.seen;
    expect(delivery?.event).toBeInstanceOf(sdk.RecordCreatedV1);
    expect(delivery?.event.toJSON()).toEqual({ ...published.toJSON(), version: 1, data: { tableId: published.data.tableId, recordId: "r-1", fields: { name: "Ada" } } });
    expect(delivery?.context.receivedVersion).toBe(2);
    expect(handled).toEqual(["r-1"]);
    await fixture.bus.unsubscribe(subscription);
    expect(await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 10)).toEqual([]);
  });

  test("a consumer pinned to model.registered v2 reads the breaking v3 through its declared downcast", async () => {
    await appendModelRegisteredV3();
    const seen = collector<sdk.ModelRegisteredV2>();
    const subscription = await fixture.bus.subscribe(sdk.ModelRegisteredV2Contract, seen.handler, { durable: "pinned-v2" });
    await seen.first;
    expect(seen.seen[0]?.event).toBeInstanceOf(sdk.ModelRegisteredV2);
    expect(seen.seen[0]?.event.data).toEqual({ model_id: "sentence-transformers/all-MiniLM-L6-v2", version: "v2.2.2", checksum: "sha256:9a3f0c", task_type: "txt2embed" });
    await fixture.bus.unsubscribe(subscription);
  });

  test("a consumer pinned to codegen.progress v1 reads v2's fraction as a percent, through the hand-written downcast", async () => {
    const jobId = `job-${randomUUID().slice(0, 8)}`;
    const published = new sdk.CodegenProgressV2({
      id: randomUUID(),
      aggregateId: jobId,
      timestamp: new Date().toISOString(),
      metadata: { correlationId: "corr-progress" },
      data: { jobId, step: "LLM_CALL", fraction: 0.29, message: "Calling the model" },
    });
    await fixture.bus.publish(published);
    const seen = collector<sdk.CodegenProgressV1>();
    const subscription = await fixture.bus.subscribe(sdk.CodegenProgressV1Contract, seen.handler, { durable: "progress-v1" });
    await seen.first;
    expect(seen.seen[0]?.event).toBeInstanceOf(sdk.CodegenProgressV1);
    expect(seen.seen[0]?.event.data).toEqual({ jobId, step: "LLM_CALL", progress: 29, message: "Calling the model" });
    expect(seen.seen[0]?.context.receivedVersion).toBe(2);
    await fixture.bus.unsubscribe(subscription);
  });

  test("without a declared downcast, the breaking v3 is dead-lettered for a v2 consumer with the reason", async () => {
    const withoutDowncast = (contracts: readonly EventContract[]) => contracts.map((contract) => (contract === sdk.ModelRegisteredV3Contract ? { ...contract, downcast: undefined } : contract));
    await withOlderService(withoutDowncast, async (older) => {
      const handled: unknown[] = [];
      const subscription = await older.subscribe("model.registered", (event) => void handled.push(event), { version: 2, durable: "pinned-v2-no-downcast" });
      const deadLettered = next(subscription, "dead_lettered");
      await appendModelRegisteredV3();
      const notification = await deadLettered;
      const reason =
        'cannot read "model.registered" v3 as v2: v3 is not readable by v2 readers (it breaks FORWARD compatibility) and declares no downcast; declare x-evc.downcast on v3, or subscribe at v3';
      expect(notification).toMatchObject({ reason, poison: true, deliveryCount: 1 });
      expect(handled).toEqual([]);
      await older.unsubscribe(subscription);
      const [letter] = await listDeadLetters(fixture.bus.manager, "MODELMORA_DLQ", 10);
      expect(letter).toMatchObject({ reason, error: "DowncastError", poison: true, type: "model.registered", version: 3 });
    });
  });

  test("an SDK generated before v2 existed dead-letters v2 at once, saying the SDK is older than the event", async () => {
    const beforeV2 = (contracts: readonly EventContract[]) => contracts.filter((contract) => contract !== sdk.RecordCreatedV2Contract);
    await withOlderService(beforeV2, async (older) => {
      const handled: unknown[] = [];
      const subscription = await older.subscribe("record-created", (event) => void handled.push(event), { durable: "sdk-before-v2" });
      const deadLettered = next(subscription, "dead_lettered");
      await fixture.bus.publish(recordCreatedV2(`tbl-${randomUUID().slice(0, 8)}`));
      const notification = await deadLettered;
      const reason =
        'unknown event "record-created" v2: v2 is newer than this SDK knows (only v1); it cannot be read without its schema: regenerate the SDK from specs that declare it';
      expect(notification).toMatchObject({ reason, poison: true, deliveryCount: 1 });
      expect(handled).toEqual([]);
      await older.unsubscribe(subscription);
    });
  });
});
