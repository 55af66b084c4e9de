/**
 * The in-memory bus is typed exactly like `EventBus` (both extend one `TypedBus`), and both are an
 * `EventBusApi`: checked by the compiler, nothing here runs.
 */
import { describe, expectTypeOf, test } from "vitest";
import type { DeadLetter, EventBus, EventBusApi, EventInstance, HandlerContext, Replayed } from "@evc/runtime";
import type { MemoryBus } from "@evc/runtime/memory";
import { SuspensionManager } from "@evc/runtime/saga";
import { RecordCreated, RecordCreatedV1Contract, RequestCodegenOperation, type CodegenCompletedV1, type CodegenFailedV1, type LatestEvents, type RecordCreatedV1, type RecordCreatedV2, type TaskCancelledV1, type TaskCompletedV1, type TaskCreatedV1, type TaskFailedV1 } from "@evc/seeds";

declare const memory: MemoryBus<LatestEvents>;
declare const jetstream: EventBus<LatestEvents>;

describe("the in-memory bus", () => {
  test("creates and subscribes with the typed API of EventBus", () => {
    expectTypeOf(memory.create(RecordCreated, { aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {}, createdBy: "u" } })).toEqualTypeOf<RecordCreatedV2>();
    void memory.subscribe(RecordCreated, (event, context) => {
      expectTypeOf(event).toEqualTypeOf<RecordCreatedV2>();
      expectTypeOf(context).toEqualTypeOf<HandlerContext>();
    });
    void memory.subscribe(RecordCreatedV1Contract, (event) => expectTypeOf(event).toEqualTypeOf<RecordCreatedV1>());
    void memory.subscribe("task.*", (event) => expectTypeOf(event).toEqualTypeOf<TaskCancelledV1 | TaskCompletedV1 | TaskCreatedV1 | TaskFailedV1>());
    // @ts-expect-error -- no event type is called billing.invoice-paid
    void memory.subscribe("billing.invoice-paid", () => undefined);
    // @ts-expect-error -- v2 requires createdBy
    memory.create(RecordCreated, { aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {} } });
    // @ts-expect-error -- JSON goes through publishJson
    void memory.publish({ type: "record-created" });
  });

  test("either bus is an EventBusApi, and request/reply runs on either", () => {
    expectTypeOf(memory).toExtend<EventBusApi<LatestEvents>>();
    expectTypeOf(jetstream).toExtend<EventBusApi<LatestEvents>>();
    const api: EventBusApi<LatestEvents> = memory;
    void api.subscribe(RecordCreated, (event) => expectTypeOf(event).toEqualTypeOf<RecordCreatedV2>());
    expectTypeOf(api.create("record-created", { aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {}, createdBy: "u" } })).toEqualTypeOf<RecordCreatedV2>();
    const dynamic: string = "record-created";
    expectTypeOf(api.create(dynamic, { aggregateId: "t", data: {} })).toEqualTypeOf<EventInstance>();
    // Dead letters are listed and replayed through either.
    expectTypeOf(api.listDeadLetters("LATECHFORCE_DLQ")).resolves.toEqualTypeOf<DeadLetter[]>();
    expectTypeOf(api.replayDeadLetter("LATECHFORCE_DLQ", 1)).resolves.toEqualTypeOf<Replayed>();
    // A batch (as the outbox and the event store) takes events' JSON with their fields, beside event objects.
    void api.publishBatch([{ type: "record-created", version: 1, aggregateId: "t", data: { tableId: "t" } }, memory.create(RecordCreated, { aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {}, createdBy: "u" } })]);
    expectTypeOf(new SuspensionManager(memory).request(RequestCodegenOperation, { aggregateId: "j", data: { jobId: "j", userId: "u", graphId: "g", graphData: { nodes: [], edges: [] }, options: { provider: "p", model: "m" } } })).resolves.toEqualTypeOf<CodegenCompletedV1 | CodegenFailedV1>();
  });

  test("a typed bus is also an untyped one, for code that takes any bus", () => {
    expectTypeOf(memory).toExtend<MemoryBus>();
    expectTypeOf(memory).toExtend<EventBusApi>();
    expectTypeOf(jetstream).toExtend<EventBus>();
    expectTypeOf(jetstream).toExtend<EventBusApi>();
    // Within generic code too, where the events are a type parameter.
    const untyped = <Events>(bus: EventBusApi<Events>): EventBusApi => bus;
    void untyped(memory);
  });
});
