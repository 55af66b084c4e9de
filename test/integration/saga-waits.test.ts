import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { awaitEvent, startSaga, waitForProcess, type SagaDefinition, type SagaStep } from "@evc/runtime/saga";
import { createEventStore } from "@evc/runtime/store";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: false });

interface State {
  readonly agentId: string | null;
  readonly released: boolean;
}

/** A saga started by `task.created` whose `assignment` step waits for `agent.assigned` of its task, after the steps given. */
function assignmentSaga(before: readonly SagaStep<State, sdk.TaskCreatedV1>[], options: { timeoutMs?: number; skip?: string } = {}): SagaDefinition<State, sdk.TaskCreatedV1> {
  return {
    name: `waits-${randomUUID().slice(0, 8)}`,
    startOn: sdk.TaskCreated,
    initialState: () => ({ agentId: null, released: false }),
    steps: [
      ...before,
      awaitEvent("assignment", [sdk.AgentAssigned], {
        instanceOf: (assigned) => assigned.aggregateId,
        match: (assigned) => assigned.data.agent_id !== options.skip,
        timeoutMs: options.timeoutMs ?? 30_000,
        then: (assigned) => ({ agentId: assigned.data.agent_id }),
      }),
    ],
  };
}

function created(taskId: string) {
  return fixture.bus.create(sdk.TaskCreated, { aggregateId: taskId, data: { task_id: taskId, task_type: "deploy", priority: 1 } });
}

function assigned(taskId: string, agentId: string) {
  return fixture.bus.create(sdk.AgentAssigned, { aggregateId: taskId, data: { task_id: taskId, agent_id: agentId } });
}

/** Append an event of a task through the event store, the one writer of tasks. */
async function append(event: sdk.TaskCreatedV1 | sdk.AgentAssignedV1): Promise<void> {
  const store = await createEventStore(fixture.bus);
  const ref = { aggregateType: "task", aggregateId: event.aggregateId };
  await store.append(ref, [event], { expectedVersion: await store.version(ref) });
}

describe("saga steps waiting for another service's event", () => {
  test("the step gets the event, even one published before it started waiting, and one that does not match is passed over", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const saga = assignmentSaga([{ id: "prepare", run: () => held }], { skip: "agent-busy" });
    const runner = await startSaga(fixture.bus, saga, { durable: saga.name });
    try {
      const taskId = `task-${randomUUID()}`;
      await append(created(taskId));
      await append(assigned(taskId, "agent-busy"));
      await append(assigned(taskId, "agent-7"));
      const waits = await waitForProcess<{ arrived: Record<string, { data: { agent_id: string } }> }>(fixture.bus, `${saga.name}-waits`, taskId, (record) => record.state.arrived["assignment"] !== undefined, { timeoutMs: 20_000 });
      expect(waits.state.arrived["assignment"]?.data.agent_id).toBe("agent-7");
      release();
      const record = await runner.result(taskId, 20_000);
      expect(record.status).toBe("completed");
      expect(record.state.agentId).toBe("agent-7");
    } finally {
      release();
      await runner.stop({ removeConsumer: true });
    }
  });

  test("a step whose event does not come in time fails with SagaWaitTimeoutError and the steps before it are compensated", async () => {
    const saga = assignmentSaga([{ id: "reserve", run: () => undefined, compensate: () => undefined }], { timeoutMs: 300 });
    const runner = await startSaga(fixture.bus, saga, { durable: saga.name, scanIntervalMs: 200 });
    try {
      const taskId = `task-${randomUUID()}`;
      await append(created(taskId));
      const record = await runner.result(taskId, 20_000);
      expect(record).toMatchObject({ status: "compensated", done: ["reserve"], compensated: ["reserve"], failure: { step: "assignment", phase: "run", error: "SagaWaitTimeoutError" } });
      expect(record.failure?.message).toContain('waited 300 ms for "agent.assigned"');

      await append(assigned(taskId, "agent-late"));
      expect((await runner.result(taskId, 20_000)).status).toBe("compensated");
    } finally {
      await runner.stop({ removeConsumer: true });
    }
  });

  test("a runner that stops while a step waits hands the instance over: the next runner gets the event and completes it", async () => {
    const saga = assignmentSaga([]);
    const first = await startSaga(fixture.bus, saga, { durable: saga.name, leaseMs: 1_000, scanIntervalMs: 200 });
    const taskId = `task-${randomUUID()}`;
    await append(created(taskId));
    await waitForProcess<{ waiting: Record<string, number> }>(fixture.bus, `${saga.name}-waits`, taskId, (record) => record.state.waiting["assignment"] !== undefined, { timeoutMs: 20_000 });
    await first.stop();
    await append(assigned(taskId, "agent-9"));

    const second = await startSaga(fixture.bus, saga, { durable: saga.name, leaseMs: 1_000, scanIntervalMs: 200 });
    try {
      const record = await second.result(taskId, 20_000);
      expect(record).toMatchObject({ status: "completed", done: ["assignment"], state: { agentId: "agent-9" } });
    } finally {
      await second.stop({ removeConsumer: true });
    }
  });
});
