/**
 * Seed 002's task-processing saga on the saga runtime: `task.created` starts it; it accepts the
 * task, assigns an agent (`agent.assigned`) and executes the task (`task.completed`). When the
 * execution fails it records `task.failed`, and the compensations run in reverse: the agent is
 * released (`agent.released`), then the task is cancelled (`task.cancelled`). Every step reads the
 * task first and does only what is not done yet, and stamps its events with the step's
 * deterministic ids, so a step that runs again after a crash changes nothing twice.
 */
import * as sdk from "@evc/seeds";
import type { Repository } from "@evc/runtime/store";
import type { SagaContext, SagaDefinition, SagaStep } from "@evc/runtime/saga";
import { assignAgent, cancelTask, completeTask, failTask, releaseAgent, type TaskEvent, type TaskState } from "./task-aggregate.js";

/** What the saga remembers of a task. */
export interface TaskSagaState {
  readonly taskId: string;
  readonly agentId: string | null;
}

/** What the saga needs: the tasks, how to pick an agent, how to execute a task. */
export interface TaskSagaServices {
  readonly tasks: Repository<TaskState, TaskEvent>;
  pickAgent(task: TaskState): string | Promise<string>;
  /** Do the work; resolves with the task's result, rejects when it fails. */
  execute(task: TaskState, agentId: string): Promise<unknown>;
}

type Context = SagaContext<TaskSagaState, sdk.TaskCreatedV1>;

/** The name the task saga's records and durable consumer go by. */
export const taskSagaName = "task-processing";

/** The task-processing saga over the given services. */
export function taskProcessingSaga(services: TaskSagaServices): SagaDefinition<TaskSagaState, sdk.TaskCreatedV1> {
  const { tasks } = services;
  return {
    name: taskSagaName,
    startOn: sdk.TaskCreated,
    initialState: (trigger) => ({ taskId: trigger.aggregateId, agentId: null }),
    steps: [
      acceptTask(tasks),
      {
        id: "assign-agent",
        async run(context) {
          const current = await tasks.load(context.state.taskId);
          const agentId = current.state.agentId ?? (await services.pickAgent(current.state));
          await tasks.update(context.state.taskId, (task) => {
            if (task.state.status === "created") assignAgent(task, agentId, stamp(context, "assigned"));
          });
          return { agentId };
        },
        compensate: releaseTaskAgent(tasks),
      },
      {
        id: "execute",
        async run(context) {
          const task = await tasks.load(context.state.taskId);
          if (task.state.status === "completed") return;
          if (task.state.status === "failed") throw new Error(task.state.error ?? "the task failed");
          const agentId = task.state.agentId ?? String(context.state.agentId);
          const started = performance.now();
          let result: unknown;
          try {
            result = await services.execute(task.state, agentId);
          } catch (error) {
            await tasks.update(context.state.taskId, (current) => {
              if (current.state.status === "assigned") failTask(current, (error as Error).message, false, stamp(context, "failed"));
            });
            throw error;
          }
          await tasks.update(context.state.taskId, (current) => {
            if (current.state.status === "assigned") completeTask(current, result, performance.now() - started, stamp(context, "completed"));
          });
        },
      },
    ],
  };
}

/** The first step of both task sagas: check the task exists; its compensation cancels the task, unless it completed. */
export function acceptTask(tasks: Repository<TaskState, TaskEvent>): SagaStep<TaskSagaState, sdk.TaskCreatedV1> {
  return {
    id: "accept",
    async run(context) {
      const task = await tasks.load(context.state.taskId);
      if (task.state.status === "none") throw new Error(`task "${context.state.taskId}" has no events`);
    },
    async compensate(context) {
      await tasks.update(context.state.taskId, (task) => {
        if (!["completed", "cancelled"].includes(task.state.status)) cancelTask(task, `saga compensation after ${describe(context)}`, stamp(context, "cancelled"));
      });
    },
  };
}

/** The compensation of an assignment: release the task's agent (`agent.released`), if it still has one. */
export function releaseTaskAgent(tasks: Repository<TaskState, TaskEvent>): (context: Context) => Promise<void> {
  return async (context) => {
    await tasks.update(context.state.taskId, (task) => {
      if (task.state.agentId !== null) releaseAgent(task, describe(context), stamp(context, "released"));
    });
  };
}

/** The metadata of an event a step records: its deterministic id, the saga's correlation, the trigger as cause. */
function stamp(context: Context, label: string) {
  return { id: context.eventId(label), correlationId: correlationOf(context), causationId: context.trigger.id };
}

function correlationOf(context: Context): string {
  return context.trigger.metadata.correlationId ?? context.trigger.id;
}

function describe(context: Context): string {
  return context.failure === null ? "saga compensation" : `${context.failure.step} failed: ${context.failure.message}`;
}
