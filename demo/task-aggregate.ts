/**
 * The DevOps MCP task as an event-sourced aggregate (seed 002): created, assigned to an agent,
 * completed or failed, released and cancelled by the task saga's compensations. Commands check the
 * task's state and record one event each; `taskAggregate` folds the events back into state.
 */
import { randomUUID } from "node:crypto";
import * as sdk from "@evc/seeds";
import { defineAggregate, type Aggregate } from "@evc/runtime/store";

/** Where a task is. */
export type TaskStatus = "none" | "created" | "assigned" | "completed" | "failed" | "cancelled";

/** A task's state, plain JSON so that it snapshots as it is. */
export interface TaskState {
  readonly taskId: string;
  readonly status: TaskStatus;
  readonly taskType: string | null;
  readonly priority: number | null;
  /** The agent working on it, until it is released. */
  readonly agentId: string | null;
  readonly releasedAgents: readonly string[];
  readonly error: string | null;
}

/** A task aggregate. */
export type Task = Aggregate<TaskState, TaskEvent>;

/** How new events are stamped: a given id (a saga step's deterministic one) or a fresh one, and the flow they belong to. */
export interface EventStamp {
  readonly id?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly userId?: string;
}

/** Thrown by a command the task's state does not allow. */
export class TaskStateError extends Error {
  constructor(task: Task, command: string) {
    super(`cannot ${command} task "${task.id}": it is ${task.state.status}`);
    this.name = "TaskStateError";
  }
}

/** The task aggregate: its events folded into `TaskState`, a snapshot every 10 events. */
export const taskAggregate = defineAggregate({
  aggregateType: "task",
  events: [sdk.TaskCreated, sdk.AgentAssigned, sdk.AgentReleased, sdk.TaskCompleted, sdk.TaskFailed, sdk.TaskCancelled],
  system: "devops-mcp",
  snapshotEvery: 10,
  initialState: (taskId): TaskState => ({ taskId, status: "none", taskType: null, priority: null, agentId: null, releasedAgents: [], error: null }),
  apply(state, event): TaskState {
    switch (event.type) {
      case "task.created":
        return { ...state, status: "created", taskType: event.data.task_type, priority: event.data.priority };
      case "agent.assigned":
        return { ...state, status: "assigned", agentId: event.data.agent_id };
      case "agent.released":
        return { ...state, status: state.status === "assigned" ? "created" : state.status, agentId: null, releasedAgents: [...state.releasedAgents, event.data.agent_id] };
      case "task.completed":
        return { ...state, status: "completed" };
      case "task.failed":
        return { ...state, status: "failed", error: event.data.error };
      case "task.cancelled":
        return { ...state, status: "cancelled" };
    }
  },
});

/** Every event of a task, at its latest version. */
export type TaskEvent = Parameters<typeof taskAggregate.apply>[1];

/** Record `task.created` on a task with no events. */
export function createTask(task: Task, fields: { taskType: string; priority: number }, stamp: EventStamp = {}): void {
  if (task.state.status !== "none") throw new TaskStateError(task, "create");
  task.record(new sdk.TaskCreatedV1({ ...envelope(task, stamp), data: { task_id: task.id, task_type: fields.taskType, priority: fields.priority } }));
}

/** Record `agent.assigned` on a created task. */
export function assignAgent(task: Task, agentId: string, stamp: EventStamp = {}): void {
  if (task.state.status !== "created") throw new TaskStateError(task, "assign");
  task.record(new sdk.AgentAssignedV1({ ...envelope(task, stamp), data: { task_id: task.id, agent_id: agentId } }));
}

/** Record `agent.released` on a task with an agent. */
export function releaseAgent(task: Task, reason: string, stamp: EventStamp = {}): void {
  if (task.state.agentId === null) throw new TaskStateError(task, "release the agent of");
  task.record(new sdk.AgentReleasedV1({ ...envelope(task, stamp), data: { task_id: task.id, agent_id: task.state.agentId, reason } }));
}

/** Record `task.completed` on an assigned task. */
export function completeTask(task: Task, result: unknown, durationMs: number, stamp: EventStamp = {}): void {
  if (task.state.status !== "assigned" || task.state.agentId === null) throw new TaskStateError(task, "complete");
  const data = { task_id: task.id, result, duration: Math.round(durationMs * 1_000_000), completed_by: task.state.agentId };
  task.record(new sdk.TaskCompletedV1({ ...envelope(task, stamp), data }));
}

/** Record `task.failed` on an assigned task. */
export function failTask(task: Task, error: string, retryable: boolean, stamp: EventStamp = {}): void {
  if (task.state.status !== "assigned") throw new TaskStateError(task, "fail");
  task.record(new sdk.TaskFailedV1({ ...envelope(task, stamp), data: { task_id: task.id, error, retryable } }));
}

/** Record `task.cancelled` on a task that is neither completed nor cancelled. */
export function cancelTask(task: Task, reason: string, stamp: EventStamp = {}): void {
  if (task.state.status === "none" || task.state.status === "completed" || task.state.status === "cancelled") throw new TaskStateError(task, "cancel");
  task.record(new sdk.TaskCancelledV1({ ...envelope(task, stamp), data: { task_id: task.id, reason } }));
}

function envelope(task: Task, stamp: EventStamp) {
  const metadata = {
    ...(stamp.correlationId === undefined ? {} : { correlationId: stamp.correlationId }),
    ...(stamp.causationId === undefined ? {} : { causationId: stamp.causationId }),
    userId: stamp.userId ?? "system",
  };
  return { id: stamp.id ?? randomUUID(), aggregateId: task.id, timestamp: new Date().toISOString(), metadata };
}
