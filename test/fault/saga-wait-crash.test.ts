import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { waitForProcess, waitForSaga } from "@evc/runtime/saga";
import { createEventStore, Repository } from "@evc/runtime/store";
import { assignAgent, completeTask, createTask, taskAggregate } from "../../demo/task-aggregate.js";
import { taskEventsSagaName } from "../../demo/task-events-saga.js";
import { useBus } from "../helpers/bus.js";
import { killChild, startReadyTs } from "../helpers/spawn-ts.js";

const fixture = useBus({ reset: false });
const script = join(import.meta.dirname, "../fixtures/runtime/task-events-saga-worker.ts");

function startWorker(durable: string): Promise<ChildProcess> {
  return startReadyTs(script, [fixture.server.url, durable]);
}

describe("fault - a saga killed while a step waits for another service's event", () => {
  test("the events that come while no process runs it are kept; the next process completes it, each task event stored once", async () => {
    const durable = `saga-wait-kill-${randomUUID().slice(0, 8)}`;
    const tasks = new Repository(await createEventStore(fixture.bus), taskAggregate);
    const taskId = `task-${randomUUID()}`;
    const first = await startWorker(durable);
    try {
      await tasks.update(taskId, (task) => createTask(task, { taskType: "deploy", priority: 5 }, { correlationId: randomUUID() }));
      await waitForProcess<{ waiting: Record<string, number> }>(fixture.bus, `${taskEventsSagaName}-waits`, taskId, (record) => record.state.waiting["assignment"] !== undefined, { timeoutMs: 60_000 });
    } finally {
      await killChild(first);
    }

    await tasks.update(taskId, (task) => assignAgent(task, "agent-7"));
    await tasks.update(taskId, (task) => completeTask(task, { revision: 12 }, 20));
    const second = await startWorker(durable);
    try {
      const record = await waitForSaga(fixture.bus, taskEventsSagaName, taskId, { timeoutMs: 60_000 });
      expect(record).toMatchObject({ status: "completed", done: ["accept", "assignment", "outcome"], state: { agentId: "agent-7" } });
      const { events } = await tasks.store.load(tasks.ref(taskId));
      expect(events.map((stored) => stored.type)).toEqual(["task.created", "agent.assigned", "task.completed"]);
    } finally {
      await killChild(second);
    }
  }, 180_000);
});
