/**
 * The typed API, checked by the compiler (`vitest --typecheck` and `npm run typecheck`): every
 * `@ts-expect-error` line must stay an error, every `expectTypeOf` must hold. Nothing here runs.
 */
import { describe, expectTypeOf, test } from "vitest";
import type { EventBus, EventInstance, HandlerContext } from "@evc/runtime";
import { awaitEvent, defineProcessManager, startSaga, SuspensionManager, type SagaStep } from "@evc/runtime/saga";
import {
  CodegenProgress,
  RequestCodegenOperation,
  RecordCreated,
  RecordCreatedV1Contract,
  AgentJoined,
  CollaborationStarted,
  TaskCompleted,
  TaskCreated,
  TaskFailed,
  type AgentJoinedV1,
  type CollaborationStartedV1,
  type AgentAssignedV1,
  type CodegenCompletedV1,
  type CodegenFailedV1,
  type CodegenProgressV2,
  type LatestEvents,
  type RecordCreatedV1,
  type RecordCreatedV2,
  type TaskCancelledV1,
  type TaskCompletedV1,
  type TaskCreatedV1,
  type TaskFailedV1,
} from "@evc/seeds";

declare const bus: EventBus<LatestEvents>;
declare const untyped: EventBus;

describe("create", () => {
  test("a handle builds its latest version, a contract its own, from the fields the event carries", () => {
    expectTypeOf(bus.create(RecordCreated, { aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {}, createdBy: "u" } })).toEqualTypeOf<RecordCreatedV2>();
    expectTypeOf(bus.create(RecordCreatedV1Contract, { aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {} } })).toEqualTypeOf<RecordCreatedV1>();
    expectTypeOf(bus.create("record-created", { aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {}, createdBy: "u" } })).toEqualTypeOf<RecordCreatedV2>();
  });

  test("a wrong field, a missing field, a wrong type name and a version that does not exist are errors", () => {
    // @ts-expect-error -- `nope` is no field of record-created v2's data
    bus.create(RecordCreated, { aggregateId: "t", data: { nope: 1 } });
    // @ts-expect-error -- v2 requires createdBy
    bus.create(RecordCreated, { aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {} } });
    // @ts-expect-error -- the same through the type name
    bus.create("record-created", { data: { nope: 1 } });
    // @ts-expect-error -- no event type of that name
    bus.create("no-such-type", { aggregateId: "t", data: {} });
    // @ts-expect-error -- record-created has no version 3
    RecordCreated.versions[0]?.version satisfies 3;
    // @ts-expect-error -- the id is a string
    bus.create(RecordCreated, { id: 7, aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {}, createdBy: "u" } });
  });

  test("metadata is optional, and a name only known at run time builds an untyped event", () => {
    expectTypeOf(bus.create(RecordCreated, { aggregateId: "t", metadata: { correlationId: "c-1" }, data: { tableId: "t", recordId: "r", fields: {}, createdBy: "u" } })).toEqualTypeOf<RecordCreatedV2>();
    const dynamic: string = "record-created";
    expectTypeOf(bus.create(dynamic, { aggregateId: "t", data: {} })).toEqualTypeOf<EventInstance>();
    expectTypeOf(untyped.create("record-created", { aggregateId: "t", data: {} })).toEqualTypeOf<EventInstance>();
  });
});

describe("subscribe", () => {
  test("a handle's handler receives the latest version, a contract's that version", () => {
    void bus.subscribe(RecordCreated, (event, context) => {
      expectTypeOf(event).toEqualTypeOf<RecordCreatedV2>();
      expectTypeOf(context).toEqualTypeOf<HandlerContext>();
    });
    void bus.subscribe(RecordCreatedV1Contract, (event) => expectTypeOf(event).toEqualTypeOf<RecordCreatedV1>());
    void bus.subscribe(CodegenProgress, (event) => expectTypeOf(event).toEqualTypeOf<CodegenProgressV2>());
  });

  test("a batch handler receives arrays of the same types, with their contexts", () => {
    void bus.subscribeBatch(RecordCreated, (events, contexts) => {
      expectTypeOf(events).toEqualTypeOf<RecordCreatedV2[]>();
      expectTypeOf(contexts).toEqualTypeOf<HandlerContext[]>();
    });
    void bus.subscribeBatch([TaskCreated, TaskFailed], (events) => expectTypeOf(events).toEqualTypeOf<(TaskCreatedV1 | TaskFailedV1)[]>());
    void bus.subscribeBatch("task.*", (events) => expectTypeOf(events).toEqualTypeOf<(TaskCancelledV1 | TaskCompletedV1 | TaskCreatedV1 | TaskFailedV1)[]>(), { maxBatch: 50, maxWaitMs: 20 });
    // @ts-expect-error -- no event type is called billing.invoice-paid
    void bus.subscribeBatch("billing.invoice-paid", () => undefined);
  });

  test("several handles give the union of their latest versions", () => {
    void bus.subscribe([TaskCreated, TaskFailed], (event) => expectTypeOf(event).toEqualTypeOf<TaskCreatedV1 | TaskFailedV1>());
  });

  test("a literal pattern gives the union of the types it matches; a type name its latest version", () => {
    void bus.subscribe("task.*", (event) => expectTypeOf(event).toEqualTypeOf<TaskCancelledV1 | TaskCompletedV1 | TaskCreatedV1 | TaskFailedV1>());
    void bus.subscribe("agent.assigned", (event) => expectTypeOf(event).toEqualTypeOf<AgentAssignedV1>());
    void bus.subscribe("record-created", (event) => expectTypeOf(event).toEqualTypeOf<RecordCreatedV2>());
    void bus.subscribe(">", (event) => expectTypeOf(event).toEqualTypeOf<LatestEvents[keyof LatestEvents]>());
  });

  test("a pattern that matches nothing, a handler of the wrong event and a guessed type argument are errors", () => {
    // @ts-expect-error -- no event type is called billing.invoice-paid
    void bus.subscribe("billing.invoice-paid", () => undefined);
    // @ts-expect-error -- the handler of record-created cannot take a task.created
    void bus.subscribe(RecordCreated, (event: TaskCreatedV1) => event);
    // @ts-expect-error -- the type argument is the pattern, not a guess at the event
    void bus.subscribe<RecordCreatedV2>("billing.invoice-paid", () => undefined);
  });

  test("a name only known at run time, or an untyped bus, gives untyped events", () => {
    const pattern: string = "task.*";
    void bus.subscribe(pattern, (event) => expectTypeOf(event).toEqualTypeOf<EventInstance>());
    void untyped.subscribe("anything.at.all", (event) => expectTypeOf(event).toEqualTypeOf<EventInstance>());
  });
});

describe("publish", () => {
  test("takes an event object, not a JSON object claiming a type", () => {
    void bus.publish(bus.create(RecordCreated, { aggregateId: "t", data: { tableId: "t", recordId: "r", fields: {}, createdBy: "u" } }));
    // @ts-expect-error -- JSON goes through publishJson, which validates it against the registry
    void bus.publish({ type: "no-such-type" });
  });

  test("takes instances of generated classes and untyped events, not any other object with a toJSON", () => {
    const created = bus.create(TaskCreated, { aggregateId: "t", data: { task_id: "t", task_type: "x", priority: 1 } });
    void bus.publish(created);
    void untyped.publish(untyped.create("task.created", { aggregateId: "t", data: {} }));
    void bus.subscribe("task.*", (event) => void bus.publish(event));
    // @ts-expect-error -- a Date has a toJSON, but is no event
    void bus.publish(new Date());
    // @ts-expect-error -- nor is an object that only has a toJSON
    void bus.publish({ toJSON: () => ({ type: "task.created" }) });
    // @ts-expect-error -- nor an event's JSON with a toJSON added: it goes through publishJson
    void bus.publish({ ...created.toJSON(), toJSON: () => created.toJSON() });
    // The JSON type of an event carries no mark: it is what publishJson and create take.
    expectTypeOf<Extract<keyof ReturnType<typeof created.toJSON>, symbol>>().toBeNever();
  });

  test("a handler's context builds the events its handling causes, typed by their handle", () => {
    void bus.subscribe(TaskCreated, (task, context) => {
      expectTypeOf(context.create(TaskFailed, { aggregateId: task.aggregateId, data: { task_id: task.data.task_id, error: "e" } })).toEqualTypeOf<TaskFailedV1>();
    });
  });
});

describe("request/reply operations", () => {
  test("a generated operation takes its request's fields and resolves with the union of its replies", () => {
    const suspensions = new SuspensionManager(bus);
    const data = { jobId: "j", userId: "u", graphId: "g", graphData: { nodes: [], edges: [] }, options: { provider: "p", model: "m" } };
    expectTypeOf(suspensions.request(RequestCodegenOperation, { aggregateId: "j", data })).resolves.toEqualTypeOf<CodegenCompletedV1 | CodegenFailedV1>();
    // @ts-expect-error -- the request's data is codegen.started's, not record-created's
    void suspensions.request(RequestCodegenOperation, { aggregateId: "j", data: { tableId: "t" } });
  });
});

describe("process managers and saga waits", () => {
  test("a reaction's event is its handle's latest class, and the context builds typed events to emit", () => {
    defineProcessManager("typed", { initialState: () => ({ joined: [] as string[] }) }).on(AgentJoined, {
      correlate: (event) => {
        expectTypeOf(event).toEqualTypeOf<AgentJoinedV1>();
        return event.data.session_id;
      },
      apply: (state, event, context) => {
        expectTypeOf(state).toEqualTypeOf<{ joined: string[] }>();
        const started = context.create(CollaborationStarted, { aggregateId: "s", data: { session_id: "s", participants: [], strategy: "x" } });
        expectTypeOf(started).toEqualTypeOf<CollaborationStartedV1>();
        // @ts-expect-error -- `agent` is no field of agent.joined's data
        void event.data.agent;
        // @ts-expect-error -- collaboration.started has no `nope` field
        context.create(CollaborationStarted, { aggregateId: "s", data: { nope: 1 } });
        return { state: { joined: [...state.joined, event.data.agent_id] }, emit: [started] };
      },
    });
  });

  test("a saga started on a handle of several versions gets the latest version as its trigger", () => {
    void startSaga(bus, {
      name: "progress",
      startOn: CodegenProgress,
      initialState: (trigger) => {
        expectTypeOf(trigger).toEqualTypeOf<CodegenProgressV2>();
        return { fraction: trigger.data.fraction };
      },
      steps: [{ id: "report", run: (context) => void expectTypeOf(context.trigger.version).toEqualTypeOf<2>() }],
    });
    void startSaga(bus, {
      name: "progress-steps",
      startOn: CodegenProgress,
      initialState: () => ({}),
      steps: [{ id: "report", run: (context) => void expectTypeOf(context.trigger).toEqualTypeOf<CodegenProgressV2>() }],
    });
  });

  test("a waiting step's event is the union of the handles it waits for", () => {
    const step: SagaStep<{ agentId: string | null }, TaskCreatedV1> = awaitEvent("outcome", [TaskCompleted, TaskFailed], {
      instanceOf: (event) => event.aggregateId,
      timeoutMs: 1_000,
      then: (event) => {
        expectTypeOf(event).toEqualTypeOf<TaskCompletedV1 | TaskFailedV1>();
      },
    });
    void step;
  });
});
