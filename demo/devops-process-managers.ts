/**
 * DevOps MCP (seed 002) reacting to other services' events, for `npm start`: the collaboration
 * process manager with an invitation service and agents publishing around it (one session starts,
 * one ends in `collaboration.error` because an agent never joins), and the task saga that waits
 * for a dispatcher's `agent.assigned` and an agent's `task.completed` or `task.failed` (one task
 * completes, one fails and is compensated, one is never assigned and times out).
 */
import { randomUUID } from "node:crypto";
import { AgentAssigned, AgentInvited, AgentJoined, CollaborationError, CollaborationRequested, CollaborationStarted, TaskCreated } from "@evc/seeds";
import { startProcessManager, startSaga, type ProcessNotification, type SagaRecord } from "@evc/runtime/saga";
import { createEventStore, Repository } from "@evc/runtime/store";
import { collaborationProcessManager, missing, type CollaborationSession } from "./collaboration-process.js";
import { describeSagaNotification } from "./devops-task-saga.js";
import type { DemoScope } from "./scope.js";
import { assignAgent, completeTask, createTask, failTask, taskAggregate, type EventStamp } from "./task-aggregate.js";
import { taskEventsSaga } from "./task-events-saga.js";
import type { TaskSagaState } from "./task-saga.js";

/** How long the demo's collaborations give agents to join, and its task saga waits for each event. */
const timeoutMs = 1_500;

/** The agent the demo's agents service never brings online. */
const offlineAgent = "agent-offline";

/** Run two collaborations to their end; resolves with each session's final state. */
export async function runCollaborations(scope: DemoScope): Promise<{ started: CollaborationSession; failed: CollaborationSession }> {
  const { bus, log, runId } = scope;
  const manager = await startProcessManager(bus, collaborationProcessManager({ joinTimeoutMs: timeoutMs }), { durable: `demo-${runId}-collaboration`, scanIntervalMs: 250 });
  const progress = (async () => {
    for await (const notification of manager.status()) {
      const line = describeProcessNotification(notification);
      if (line !== undefined) log(`  ${line}`);
    }
  })();
  try {
    const [pair, stalled] = [`collab-${runId}-pair`, `collab-${runId}-stalled`];
    log(`  collaboration process manager: collaboration.requested, agent.invited, agent.joined -> collaboration.started, or collaboration.error after ${timeoutMs} ms`);
    await scope.on(CollaborationRequested, "invitations", async (requested, context) => {
      for (const agent of requested.data.agents) {
        await bus.publish(context.create(AgentInvited, { aggregateId: requested.aggregateId, metadata: { source: "invitations" }, data: { session_id: requested.data.session_id, agent_id: agent } }));
        log(`  invitations: agent.invited ${agent} to ${requested.data.session_id}`);
      }
    });
    await scope.on(AgentInvited, "agents", async (invited, context) => {
      if (invited.data.agent_id === offlineAgent) return log(`  agents: ${offlineAgent} is offline and does not join ${invited.data.session_id}`);
      await bus.publish(context.create(AgentJoined, { aggregateId: invited.aggregateId, metadata: { source: "agents" }, data: { session_id: invited.data.session_id, agent_id: invited.data.agent_id } }));
      log(`  agents: agent.joined ${invited.data.agent_id} in ${invited.data.session_id}`);
    });
    const started = await scope.first(CollaborationStarted, "collaboration-observer-started", (event) => event.data.session_id === pair);
    const failed = await scope.first(CollaborationError, "collaboration-observer-error", (event) => event.data.session_id === stalled, 10_000 + timeoutMs);
    for (const [sessionId, agents] of [[pair, ["agent-7", "agent-9"]], [stalled, ["agent-7", offlineAgent]]] as const) {
      const request = bus.create(CollaborationRequested, {
        aggregateId: sessionId,
        metadata: { correlationId: randomUUID(), userId: "user-1", source: "incident-bot" },
        data: { session_id: sessionId, agents: [...agents], strategy: "leader_follower" },
      });
      await bus.publish(request);
      log(`  incident bot: collaboration.requested ${sessionId} with ${agents.join(", ")}`);
    }
    const begun = await started.arrival;
    log(`  collaboration.started ${begun.data.session_id}: participants ${begun.data.participants.join(", ")} (${begun.data.strategy})`);
    const error = await failed.arrival;
    log(`  collaboration.error ${error.data.session_id}: ${error.data.error}; missing ${(error.data.missing_agents ?? []).join(", ")}`);
    const records = await Promise.all([pair, stalled].map((sessionId) => manager.wait(sessionId, (record) => record.state.phase !== "waiting" && record.pending.length === 0, 10_000)));
    for (const record of records) {
      log(`  session "${record.key}" ${record.state.phase} after ${record.transitions} transitions: joined ${record.state.joined.join(", ")}${missing(record.state).length > 0 ? `, missing ${missing(record.state).join(", ")}` : ""}`);
    }
    return { started: (records[0] as { state: CollaborationSession }).state, failed: (records[1] as { state: CollaborationSession }).state };
  } finally {
    await manager.stop({ removeConsumer: true });
    await progress;
  }
}

/** Run the task saga over three tasks that other services assign and execute (or not); resolves with each saga's final record. */
export async function runTaskEventsSaga(scope: DemoScope): Promise<SagaRecord<TaskSagaState>[]> {
  const { bus, log, runId } = scope;
  const store = await createEventStore(bus);
  const tasks = new Repository(store, taskAggregate);
  const ids = { build: `task-${runId}-build`, rollback: `task-${runId}-rollback`, audit: `task-${runId}-audit` };
  const ours = (taskId: string) => Object.values(ids).includes(taskId);
  log(`  task saga: task.created starts it; it waits ${timeoutMs} ms for agent.assigned, then for task.completed or task.failed, all published by other services`);
  await scope.on(TaskCreated, "dispatcher", async (created) => {
    if (!ours(created.aggregateId)) return;
    if (created.data.task_type === "audit") return log(`  dispatcher: no agent can take "${created.aggregateId}" (audit)`);
    await tasks.update(created.aggregateId, (task) => {
      if (task.state.status === "created") assignAgent(task, "agent-7", causedBy(created));
    });
    log(`  dispatcher: agent.assigned agent-7 to "${created.aggregateId}"`);
  });
  await scope.on(AgentAssigned, "agent-worker", async (assigned) => {
    if (!ours(assigned.aggregateId)) return;
    const task = await tasks.load(assigned.aggregateId);
    const stamp = causedBy(assigned);
    await tasks.update(assigned.aggregateId, (current) => {
      if (current.state.status !== "assigned") return;
      if (task.state.taskType === "rollback") failTask(current, "helm timeout", true, stamp);
      else completeTask(current, { revision: 12 }, 20, stamp);
    });
    log(`  ${assigned.data.agent_id}: "${assigned.aggregateId}" ${task.state.taskType === "rollback" ? "task.failed (helm timeout)" : "task.completed"}`);
  });
  const runner = await startSaga(bus, taskEventsSaga(tasks, timeoutMs), { durable: `demo-${runId}-task-events`, scanIntervalMs: 250 });
  const progress = (async () => {
    for await (const notification of runner.status()) log(`  ${describeSagaNotification(notification)}`);
  })();
  try {
    for (const [taskType, taskId] of Object.entries(ids)) {
      await tasks.update(taskId, (task) => createTask(task, { taskType, priority: 5 }, { correlationId: randomUUID(), userId: "demo" }));
      log(`  created ${taskType} task "${taskId}"`);
    }
    const records = await Promise.all(Object.values(ids).map((taskId) => runner.result(taskId, 30_000)));
    for (const record of records) {
      const { events } = await store.load({ aggregateType: "task", aggregateId: record.instanceId });
      log(`  task saga "${record.instanceId}" ${record.status}${record.failure === null ? "" : ` (${record.failure.step}: ${record.failure.message})`}: ${events.map((stored) => `v${stored.aggregateVersion} ${stored.type}`).join(", ")}`);
    }
    return records;
  } finally {
    await runner.stop({ removeConsumer: true });
    await progress;
  }
}

/** The stamp of an event another service records in reaction to `cause`: its correlation carried over, `cause` as causation. */
function causedBy(cause: { readonly id: string; readonly metadata: { readonly correlationId?: string } }): EventStamp {
  return { causationId: cause.id, ...(cause.metadata.correlationId === undefined ? {} : { correlationId: cause.metadata.correlationId }) };
}

/** One line for a process manager notification; undefined for those the demo does not print. */
function describeProcessNotification(notification: ProcessNotification): string | undefined {
  switch (notification.type) {
    case "applied":
      return `session "${notification.key}": ${notification.causeType} applied${notification.emitted.length === 0 ? "" : `, emits ${notification.emitted.join(", ")}`}`;
    case "duplicate":
      return `session "${notification.key}": ${notification.cause} already applied`;
    case "runner_error":
      return `process manager error: ${notification.error.message}`;
    default:
      return undefined;
  }
}
