/**
 * Reads of stored events (history, the event store) and writes of an aggregate's events, typed by
 * what they are given, never by a type argument of the caller's: checked by the compiler, nothing
 * here runs. Every `@ts-expect-error` line must stay an error.
 */
import { describe, expectTypeOf, test } from "vitest";
import type { EventHistory, EventInstance, StoredEvent } from "@evc/runtime";
import { defineAggregate, Repository, type AggregateRef, type EventStore, type LoadedEvents } from "@evc/runtime/store";
import {
  RecordCreated,
  RecordCreatedV1Contract,
  TaskCreated,
  TaskFailed,
  type AgentAssignedV1,
  type AgentReleasedV1,
  type LatestEvents,
  type ContextCreatedV1,
  type ContextUpdatedV1,
  type RecordCreatedV1,
  type RecordCreatedV2,
  type RecordDeletedV1,
  type RecordUpdatedV1,
  type TaskCancelledV1,
  type TaskCompletedV1,
  type TaskCreatedV1,
  type TaskFailedV1,
} from "@evc/seeds";

declare const history: EventHistory<LatestEvents>;
declare const untypedHistory: EventHistory;
declare const store: EventStore<LatestEvents>;
declare const taskCreated: TaskCreatedV1;
declare const taskFailed: TaskFailedV1;
declare const contextCreated: ContextCreatedV1;
declare const recordV1: RecordCreatedV1;

/** Every event of a task, at its latest version. */
type TaskEvents = AgentAssignedV1 | AgentReleasedV1 | TaskCancelledV1 | TaskCompletedV1 | TaskCreatedV1 | TaskFailedV1;

describe("history", () => {
  test("a read is typed by the handle, contract, type name or pattern it is given", () => {
    expectTypeOf(history.getEventHistory(RecordCreated, 10)).resolves.toEqualTypeOf<StoredEvent<RecordCreatedV2>[]>();
    expectTypeOf(history.getEventHistory(RecordCreatedV1Contract, 10)).resolves.toEqualTypeOf<StoredEvent<RecordCreatedV1>[]>();
    expectTypeOf(history.getEventHistory("record-created", 10)).resolves.toEqualTypeOf<StoredEvent<RecordCreatedV2>[]>();
    expectTypeOf(history.getEventHistory("task.*", 10)).resolves.toEqualTypeOf<StoredEvent<TaskCancelledV1 | TaskCompletedV1 | TaskCreatedV1 | TaskFailedV1>[]>();
    expectTypeOf(history.replay({ type: TaskCreated, fromSeq: 1 })).toEqualTypeOf<AsyncGenerator<StoredEvent<TaskCreatedV1>>>();
    expectTypeOf(history.replay({ type: "task.failed" })).toEqualTypeOf<AsyncGenerator<StoredEvent<TaskFailedV1>>>();
    expectTypeOf(history.query({ type: TaskFailed, limit: 5 })).resolves.toEqualTypeOf<StoredEvent<TaskFailedV1>[]>();
  });

  test("a query's literal aggregate type narrows what it returns, with or without a type", () => {
    expectTypeOf(history.query({ aggregateType: "task" })).resolves.toEqualTypeOf<StoredEvent<TaskEvents>[]>();
    expectTypeOf(history.query({ type: "*.created", aggregateType: "task" })).resolves.toEqualTypeOf<StoredEvent<TaskCreatedV1>[]>();
    expectTypeOf(history.query({ system: "devops-mcp" })).resolves.toEqualTypeOf<StoredEvent<LatestEvents[keyof LatestEvents]>[]>();
  });

  test("a guessed type argument, a name that matches nothing and an aggregate type no event has are errors", () => {
    // @ts-expect-error -- the type comes from the argument, not a guess at the event
    void history.getEventHistory<RecordCreatedV2>("user_deleted", 10);
    // @ts-expect-error -- no event type is called billing.invoice-paid
    void history.getEventHistory("billing.invoice-paid", 10);
    // @ts-expect-error -- a guessed type argument for a query
    void history.query<RecordCreatedV2>({ type: "user_deleted" });
    // @ts-expect-error -- a pattern that matches nothing in a query
    void history.query({ type: "billing.*" });
    // @ts-expect-error -- no event has aggregate type tsak
    void history.query({ aggregateType: "tsak" });
    // @ts-expect-error -- a guessed type argument for a replay
    void history.replay<RecordCreatedV2>({ type: "user_deleted" });
    // @ts-expect-error -- a pattern that matches nothing in a replay
    void history.replay({ type: "billing.*" });
  });

  test("a name only known at run time, or an untyped registry, gives untyped events", () => {
    const dynamic: string = "record-created";
    expectTypeOf(history.getEventHistory(dynamic, 10)).resolves.toEqualTypeOf<StoredEvent<EventInstance>[]>();
    expectTypeOf(history.query({ type: dynamic })).resolves.toEqualTypeOf<StoredEvent<EventInstance>[]>();
    // A literal aggregate type still narrows it.
    expectTypeOf(history.query({ type: dynamic, aggregateType: "table" })).resolves.toEqualTypeOf<StoredEvent<RecordCreatedV2 | RecordDeletedV1 | RecordUpdatedV1>[]>();
    expectTypeOf(untypedHistory.getEventHistory("anything.at.all", 10)).resolves.toEqualTypeOf<StoredEvent<EventInstance>[]>();
    expectTypeOf(untypedHistory.getEventHistory(RecordCreated, 10)).resolves.toEqualTypeOf<StoredEvent<RecordCreatedV2>[]>();
  });

  test("a list of targets reads the union of what each selects", () => {
    expectTypeOf(history.getEventHistory([TaskCreated, "context.*"], 10)).resolves.toEqualTypeOf<StoredEvent<TaskCreatedV1 | ContextCreatedV1 | ContextUpdatedV1>[]>();
    expectTypeOf(history.getEventHistory([RecordCreatedV1Contract, "task.failed"], 10)).resolves.toEqualTypeOf<StoredEvent<RecordCreatedV1 | TaskFailedV1>[]>();
    expectTypeOf(history.replay({ type: [TaskCreated, TaskFailed], fromSeq: 1 })).toEqualTypeOf<AsyncGenerator<StoredEvent<TaskCreatedV1 | TaskFailedV1>>>();
    expectTypeOf(history.query({ type: ["task.*", "agent.*"], aggregateType: "task" })).resolves.toEqualTypeOf<StoredEvent<TaskEvents>[]>();
    expectTypeOf(store.query({ type: [TaskCreated, "context.created"] })).resolves.toEqualTypeOf<StoredEvent<TaskCreatedV1 | ContextCreatedV1>[]>();
    const dynamic: string[] = ["task.created"];
    expectTypeOf(history.query({ type: dynamic })).resolves.toEqualTypeOf<StoredEvent<EventInstance>[]>();
    expectTypeOf(untypedHistory.getEventHistory(["anything", RecordCreated], 10)).resolves.toEqualTypeOf<StoredEvent<EventInstance | RecordCreatedV2>[]>();
  });

  test("a list with a name that matches nothing, or an empty list, is an error", () => {
    // @ts-expect-error -- no event type is called billing.invoice-paid
    void history.getEventHistory([TaskCreated, "billing.invoice-paid"], 10);
    // @ts-expect-error -- a pattern that matches nothing in a query's list
    void history.query({ type: ["task.*", "billing.*"] });
    // @ts-expect-error -- and in a replay's
    void history.replay({ type: ["billing.*"] });
    // @ts-expect-error -- a list selects at least one target
    void history.getEventHistory([], 10);
    // @ts-expect-error -- a number is no target
    void history.getEventHistory(["task.created", 7], 10);
  });

  test("a typed history is also an untyped one, for code that takes any history", () => {
    expectTypeOf(history).toExtend<EventHistory>();
    const untyped = <Events>(read: EventHistory<Events>): EventHistory => read;
    void untyped(history);
  });
});

describe("event store", () => {
  test("load is typed by a literal aggregate type, any event otherwise; a guessed type argument is an error", () => {
    expectTypeOf(store.load({ aggregateType: "task", aggregateId: "t-1" })).resolves.toEqualTypeOf<LoadedEvents<TaskEvents>>();
    const ref: AggregateRef = { aggregateType: "task", aggregateId: "t-1" };
    expectTypeOf(store.load(ref)).resolves.toEqualTypeOf<LoadedEvents<EventInstance>>();
    // @ts-expect-error -- the events of a load come from its aggregate type, not a guess
    void store.load<RecordCreatedV2>({ aggregateType: "task", aggregateId: "t-1" });
    // @ts-expect-error -- no event has aggregate type tsak
    void store.load({ aggregateType: "tsak", aggregateId: "t-1" });
    expectTypeOf(store.query({ type: TaskCreated })).resolves.toEqualTypeOf<StoredEvent<TaskCreatedV1>[]>();
  });

  test("a typed store is also an untyped one, for code that takes any store", () => {
    expectTypeOf(store).toExtend<EventStore>();
    const untyped = <Events>(events: EventStore<Events>): EventStore => events;
    void untyped(store);
  });

  test("append takes events of a literal aggregate type, any version; a ref only known at run time takes any event or JSON", () => {
    void store.append({ aggregateType: "task", aggregateId: "t-1" }, [taskCreated, taskFailed], { expectedVersion: 0 });
    void store.append({ aggregateType: "table", aggregateId: "t-1" }, [recordV1], { expectedVersion: 0 });
    // @ts-expect-error -- a context's event on a task
    void store.append({ aggregateType: "task", aggregateId: "t-1" }, [taskCreated, contextCreated], { expectedVersion: 0 });
    // @ts-expect-error -- an event's JSON on a typed ref
    void store.append({ aggregateType: "task", aggregateId: "t-1" }, [taskCreated.toJSON()], { expectedVersion: 0 });
    const ref: AggregateRef = { aggregateType: "task", aggregateId: "t-1" };
    void store.append(ref, [taskCreated.toJSON(), contextCreated], { expectedVersion: 0 });
  });
});

describe("aggregates", () => {
  const failures = defineAggregate({
    aggregateType: "task",
    events: [TaskCreated, TaskFailed],
    initialState: () => ({ failed: false }),
    apply: (state, event) => (event.type === "task.failed" ? { failed: true } : state),
  });
  const tables = defineAggregate({ aggregateType: "table", events: [RecordCreated], initialState: () => ({ records: 0 }), apply: (state) => ({ records: state.records + 1 }) });

  test("record takes only the events the definition declares, any version of them", () => {
    void new Repository(store, failures).update("t-1", (task) => {
      task.record(taskCreated);
      task.record(taskFailed);
      // @ts-expect-error -- agent.assigned is of aggregate type task, but the definition does not declare it
      task.record({} as AgentAssignedV1);
      // @ts-expect-error -- another aggregate type's event
      task.record(contextCreated);
      // @ts-expect-error -- an event's JSON
      task.record(taskCreated.toJSON());
      // @ts-expect-error -- an object with a toJSON
      task.record(new Date());
    });
    void new Repository(store, tables).update("t-1", (table) => table.record(recordV1));
  });

  test("a repository reads an aggregate's events typed as the events its definition folds", () => {
    expectTypeOf(new Repository(store, failures).events("t-1")).resolves.toEqualTypeOf<LoadedEvents<TaskCreatedV1 | TaskFailedV1>>();
  });
});
