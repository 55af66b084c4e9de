/**
 * Seed 002's `TaskProcessingSaga` as the seed writes it: `task.created` starts it, and it then
 * reacts to what other services publish: it waits for a dispatcher's `agent.assigned`, then for the
 * agent's `task.completed` or `task.failed`. A failed task, or an assignment or outcome that does
 * not come in time, fails the saga, whose compensations release the agent (`agent.released`) and
 * cancel the task (`task.cancelled`).
 */
import * as sdk from "@evc/seeds";
import type { Repository } from "@evc/runtime/store";
import { awaitEvent, type SagaDefinition } from "@evc/runtime/saga";
import type { TaskEvent, TaskState } from "./task-aggregate.js";
import { acceptTask, releaseTaskAgent, type TaskSagaState } from "./task-saga.js";

/** The name the saga's records and durable consumers go by. */
export const taskEventsSagaName = "task-events";

/** The task saga over the given tasks; each wait gives up after `timeoutMs`. */
export function taskEventsSaga(tasks: Repository<TaskState, TaskEvent>, timeoutMs: number): SagaDefinition<TaskSagaState, sdk.TaskCreatedV1> {
  return {
    name: taskEventsSagaName,
    startOn: sdk.TaskCreated,
    initialState: (trigger) => ({ taskId: trigger.aggregateId, agentId: null }),
    steps: [
      acceptTask(tasks),
      awaitEvent("assignment", [sdk.AgentAssigned], {
        instanceOf: (assigned) => assigned.aggregateId,
        timeoutMs,
        then: (assigned) => ({ agentId: assigned.data.agent_id }),
        compensate: releaseTaskAgent(tasks),
      }),
      awaitEvent("outcome", [sdk.TaskCompleted, sdk.TaskFailed], {
        instanceOf: (outcome) => outcome.aggregateId,
        timeoutMs,
        then: (outcome) => {
          if (outcome instanceof sdk.TaskFailedV1) throw new Error(`task failed: ${outcome.data.error}`);
        },
      }),
    ],
  };
}
