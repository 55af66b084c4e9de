/**
 * The demo of the task-processing saga for `npm start`: two tasks on the event store, one that
 * completes and one whose execution fails and is compensated, with every step printed as the
 * saga runner reports it and each task's stored events at the end.
 */
import { randomUUID } from "node:crypto";
import { createEventStore, Repository } from "@evc/runtime/store";
import { startSaga, type SagaNotification, type SagaOptions, type SagaRecord } from "@evc/runtime/saga";
import { type EventBus } from "@evc/runtime";
import { createTask, taskAggregate, type TaskState } from "./task-aggregate.js";
import { taskProcessingSaga, type TaskSagaState } from "./task-saga.js";

/** The outcome of the demo: the final saga record of each task. */
export interface TaskSagaDemoResult {
  readonly completed: SagaRecord<TaskSagaState>;
  readonly compensated: SagaRecord<TaskSagaState>;
}

/**
 * Run one task saga that succeeds and one that fails and compensates, on the bus's JetStream,
 * printing progress through `log` (one line per call); resolves once both are final and the
 * runner has stopped. With `retire`, the runner's durable consumer is removed at the end.
 */
export async function runTaskSagaDemo(bus: EventBus, log: (line: string) => void, options: Partial<SagaOptions> = {}, retire = false): Promise<TaskSagaDemoResult> {
  const store = await createEventStore(bus);
  const tasks = new Repository(store, taskAggregate);
  const agents = ["agent-7", "agent-9"];
  let picked = 0;
  const runner = await startSaga(
    bus,
    taskProcessingSaga({
      tasks,
      pickAgent: () => agents[picked++ % agents.length] as string,
      execute: (task) => execute(task),
    }),
    options,
  );
  const progress = (async () => {
    for await (const notification of runner.status()) log(`  ${describeSagaNotification(notification)}`);
  })();
  try {
    const run = randomUUID().slice(0, 8);
    const deploy = `task-${run}-deploy`;
    const migrate = `task-${run}-migrate`;
    log(`task saga: task.created -> agent.assigned -> task.completed; on failure task.failed, then agent.released and task.cancelled`);
    for (const [taskId, taskType] of [[deploy, "deploy"], [migrate, "migrate"]] as const) {
      await tasks.update(taskId, (task) => createTask(task, { taskType, priority: 5 }, { correlationId: randomUUID(), userId: "demo" }));
      log(`created ${taskType} task "${taskId}"`);
    }
    const [completed, compensated] = await Promise.all([runner.result(deploy, 30_000), runner.result(migrate, 30_000)]);
    for (const record of [completed, compensated]) {
      const { events } = await store.load({ aggregateType: "task", aggregateId: record.instanceId });
      log(`saga "${record.instanceId}" ${record.status}: ${events.map((stored) => `v${stored.aggregateVersion} ${stored.type}`).join(", ")}`);
    }
    return { completed, compensated };
  } finally {
    await runner.stop({ removeConsumer: retire });
    await progress;
  }
}

/** The demo's executor: deployments succeed, migrations time out. */
async function execute(task: TaskState): Promise<unknown> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  if (task.taskType === "migrate") throw new Error("helm timeout");
  return { revision: 12 };
}

/** One line for what a saga runner reports. */
export function describeSagaNotification(notification: SagaNotification): string {
  switch (notification.type) {
    case "started":
      return `saga started for "${notification.instanceId}"`;
    case "resumed":
      return `saga resumed for "${notification.instanceId}" after ${notification.done.join(", ") || "no steps"}`;
    case "step_done":
      return `"${notification.instanceId}": ${notification.step} done`;
    case "step_failed":
      return `"${notification.instanceId}": ${notification.step} ${notification.phase === "run" ? "failed" : "compensation failed"} (attempt ${notification.attempt}): ${notification.error.message}`;
    case "compensated":
      return `"${notification.instanceId}": ${notification.step} compensated`;
    case "finished":
      return `"${notification.instanceId}": saga ${notification.status}`;
    case "ownership_lost":
      return `"${notification.instanceId}": taken over by another runner`;
    case "runner_error":
      return `runner error: ${notification.error.message}`;
  }
}
