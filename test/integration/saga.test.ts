import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Kvm } from "@nats-io/kv";
import { afterEach, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { runTaskSagaDemo } from "../../demo/devops-task-saga.js";
import { createTask, taskAggregate, type TaskEvent, type TaskState } from "../../demo/task-aggregate.js";
import { taskProcessingSaga, taskSagaName } from "../../demo/task-saga.js";
import { ArgumentError } from "@evc/runtime";
import { createEventStore, Repository } from "@evc/runtime/store";
import { legacyDeterministicId, SagaTimeoutError, startSaga, waitForSaga, type SagaDefinition, type SagaNotification, type SagaRunner } from "@evc/runtime/saga";
import { useBus } from "../helpers/bus.js";
import { spawnTs } from "../helpers/spawn-ts.js";
import { until } from "../helpers/until.js";

const fixture = useBus({ reset: true });

async function taskRepository(): Promise<Repository<TaskState, TaskEvent>> {
  return new Repository(await createEventStore(fixture.bus), taskAggregate);
}

async function newTask(tasks: Repository<TaskState, TaskEvent>, taskType = "deploy"): Promise<string> {
  const taskId = `task-${randomUUID().slice(0, 8)}`;
  await tasks.update(taskId, (task) => createTask(task, { taskType, priority: 5 }, { correlationId: randomUUID() }));
  return taskId;
}

async function taskEvents(tasks: Repository<TaskState, TaskEvent>, taskId: string): Promise<string[]> {
  const { events } = await tasks.events(taskId);
  return events.map((stored) => `${stored.type}${stored.event.type === "agent.assigned" || stored.event.type === "agent.released" ? `:${stored.event.data.agent_id}` : ""}`);
}

function taskCreated(taskId = `task-${randomUUID().slice(0, 8)}`) {
  return new sdk.TaskCreatedV1({ id: randomUUID(), aggregateId: taskId, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: taskId, task_type: "deploy", priority: 1 } });
}

/** Store a task.created as the first event of its task: the event store is the one writer of tasks. */
async function storeTask(event: sdk.TaskCreatedV1): Promise<void> {
  await (await createEventStore(fixture.bus)).append({ aggregateType: "task", aggregateId: event.aggregateId }, [event], { expectedVersion: 0 });
}

/** Collect a runner's notifications until it stops. */
function collect(runner: SagaRunner<object, unknown>): SagaNotification[] {
  const seen: SagaNotification[] = [];
  void (async () => {
    for await (const notification of runner.status()) seen.push(notification);
  })();
  return seen;
}

const worker = join(import.meta.dirname, "../fixtures/runtime/saga-worker.ts");
const workers = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...workers].map(kill));
  workers.clear();
});

async function startWorker(...args: string[]): Promise<ChildProcess> {
  // node itself with tsx as a loader: one process, so that SIGKILL kills the runner and not a wrapper.
  const child = spawnTs(worker, [fixture.server.url, ...args]);
  workers.add(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`saga worker exited with ${code} before it was ready`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe("saga - runner", () => {
  test("refuses a definition it cannot run", async () => {
    const base: SagaDefinition<object, sdk.TaskCreatedV1> = { name: "ok", startOn: "task.created", initialState: () => ({}), steps: [{ id: "a", run: () => undefined }] };
    await expect(startSaga(fixture.bus, { ...base, name: "has spaces" })).rejects.toThrowError(ArgumentError);
    await expect(startSaga(fixture.bus, { ...base, startOn: "no.such.type" })).rejects.toThrowError('"startOn": an event type of the registry, not "no.such.type"');
    await expect(startSaga(fixture.bus, { ...base, steps: [...base.steps, ...base.steps] })).rejects.toThrowError("distinct ids (a, a)");
    await expect(startSaga(fixture.bus, { ...base, steps: [] })).rejects.toThrowError(ArgumentError);
    await expect(waitForSaga(fixture.bus, "ok", "nobody", { timeoutMs: 200 })).rejects.toThrowError(
      new SagaTimeoutError("ok", "nobody", 200, undefined).message,
    );
  });

  test("the task saga runs its steps in order on task.created and completes; a repeated start is ignored", async () => {
    const tasks = await taskRepository();
    const runner = await startSaga(fixture.bus, taskProcessingSaga({ tasks, pickAgent: () => "agent-7", execute: async () => ({ revision: 12 }) }));
    try {
      const taskId = await newTask(tasks);
      const record = await runner.result(taskId, 20_000);
      expect(record).toMatchObject({ status: "completed", done: ["accept", "assign-agent", "execute"], compensated: [], owner: null, leaseUntil: 0 });
      expect(record.state).toEqual({ taskId, agentId: "agent-7" });
      expect(await taskEvents(tasks, taskId)).toEqual(["task.created", "agent.assigned:agent-7", "task.completed"]);
      const trigger = (await tasks.store.load(tasks.ref(taskId))).events[0]?.event as sdk.TaskCreatedV1;
      expect(await runner.begin(trigger)).toBe(taskId);
      expect((await runner.result(taskId)).updatedAt).toBe(record.updatedAt);
    } finally {
      await runner.stop();
    }
  });

  test("a failing step makes the steps done compensate in reverse, and the record says why", async () => {
    const tasks = await taskRepository();
    const runner = await startSaga(fixture.bus, taskProcessingSaga({ tasks, pickAgent: () => "agent-9", execute: () => Promise.reject(new Error("helm timeout")) }));
    const seen = collect(runner as SagaRunner<object, unknown>);
    try {
      const taskId = await newTask(tasks, "migrate");
      const record = await runner.result(taskId, 20_000);
      expect(record).toMatchObject({ status: "compensated", done: ["accept", "assign-agent"], compensated: ["assign-agent", "accept"] });
      expect(record.failure).toEqual({ step: "execute", phase: "run", error: "Error", message: "helm timeout" });
      expect(await taskEvents(tasks, taskId)).toEqual(["task.created", "agent.assigned:agent-9", "task.failed", "agent.released:agent-9", "task.cancelled"]);
      const released = (await tasks.events(taskId)).events[3]?.event as sdk.AgentReleasedV1;
      expect(released.data.reason).toBe("execute failed: helm timeout");
      await runner.stop();
      expect(seen.map((notification) => `${notification.type}${"step" in notification ? ` ${notification.step}` : ""}`)).toEqual([
        "started",
        "step_done accept",
        "step_done assign-agent",
        "step_failed execute",
        "compensated assign-agent",
        "compensated accept",
        "finished",
      ]);
    } finally {
      await runner.stop();
    }
  });

  test("an instance started before v8 ids keeps its version-5-labelled step ids when it is resumed", async () => {
    const trigger = taskCreated();
    const saga: SagaDefinition<{ published?: string }, sdk.TaskCreatedV1> = {
      name: "legacy-ids",
      startOn: "task.created",
      initialState: () => ({}),
      steps: [{ id: "publish", run: (context) => ({ published: context.eventId("assigned") }) }],
    };
    const kv = await new Kvm(fixture.bus.jetstream).create("evc-sagas", { history: 1 });
    const now = new Date().toISOString();
    const legacyRecord = {
      saga: saga.name,
      instanceId: trigger.aggregateId,
      status: "running",
      trigger: { type: "task.created", version: 1, json: trigger.toJSON() },
      state: {},
      done: [],
      compensated: [],
      failure: null,
      owner: "a-runner-of-an-earlier-release",
      leaseUntil: 0,
      startedAt: now,
      updatedAt: now,
    };
    await kv.create(`${saga.name}.${trigger.aggregateId}`, JSON.stringify(legacyRecord));
    const runner = await startSaga(fixture.bus, saga, { scanIntervalMs: 50 });
    try {
      const record = await runner.result(trigger.aggregateId, 20_000);
      expect(record.status).toBe("completed");
      expect(record.state.published).toBe(legacyDeterministicId(saga.name, trigger.aggregateId, "publish", "run", "assigned"));
      expect(record.state.published).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/);
    } finally {
      await runner.stop();
    }
  });

  test("a step is retried up to its attempts, and the events it appends keep their ids, so JetStream stores them once", async () => {
    let runs = 0;
    const store = await createEventStore(fixture.bus);
    const saga: SagaDefinition<{ published: string | null }, sdk.TaskCreatedV1> = {
      name: "retrying",
      startOn: sdk.TaskCreated,
      initialState: () => ({ published: null }),
      steps: [
        {
          id: "assign",
          attempts: 3,
          async run(context) {
            runs++;
            const id = context.eventId("assigned");
            const assigned = new sdk.AgentAssignedV1({ id, aggregateId: context.instanceId, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: context.instanceId, agent_id: "agent-1" } });
            const ref = { aggregateType: "task", aggregateId: context.instanceId };
            const appended = await store.append(ref, [assigned], { expectedVersion: await store.version(ref) });
            expect(appended.duplicate).toBe(context.attempt > 1);
            if (context.attempt === 1) throw new Error("flaky after publishing");
            return { published: id };
          },
        },
      ],
    };
    const runner = await startSaga(fixture.bus, saga, { retryBackoffMs: 10 });
    try {
      const trigger = taskCreated();
      await storeTask(trigger);
      const record = await runner.result(trigger.aggregateId, 20_000);
      expect(record.status).toBe("completed");
      expect(runs).toBe(2);
      const subject = `devops-mcp.task.${trigger.aggregateId}`;
      const info = await fixture.bus.manager.streams.info("DEVOPS_MCP", { subjects_filter: subject });
      expect(info.state.subjects?.[subject]).toBe(2);
      expect(record.state.published).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      await runner.stop();
    }
  });

  test("a compensation that keeps failing is retried, then the instance is marked failed", async () => {
    let compensations = 0;
    const saga: SagaDefinition<object, sdk.TaskCreatedV1> = {
      name: "stuck",
      startOn: sdk.TaskCreated,
      initialState: () => ({}),
      steps: [
        {
          id: "reserve",
          run: () => undefined,
          compensate() {
            compensations++;
            throw new Error("the reservation service is down");
          },
        },
        { id: "charge", run: () => Promise.reject(new Error("card declined")) },
      ],
    };
    const runner = await startSaga(fixture.bus, saga, { compensationAttempts: 3, retryBackoffMs: 10 });
    try {
      const trigger = taskCreated();
      await storeTask(trigger);
      const record = await runner.result(trigger.aggregateId, 20_000);
      expect(record).toMatchObject({ status: "failed", done: ["reserve"], compensated: [] });
      // The failure that started the compensating is kept as its cause.
      expect(record.failure).toEqual({ step: "reserve", phase: "compensate", error: "Error", message: "the reservation service is down", cause: { step: "charge", phase: "run", error: "Error", message: "card declined" } });
      expect(compensations).toBe(3);
    } finally {
      await runner.stop();
    }
  });

  test("stop lets the running step finish, hands the lease back, and another runner resumes at once", async () => {
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const saga: SagaDefinition<object, sdk.TaskCreatedV1> = {
      name: "handover",
      startOn: sdk.TaskCreated,
      initialState: () => ({}),
      steps: ["a", "b", "c"].map((id) => ({
        id,
        async run() {
          runs.push(id);
          if (id === "b") await gate;
        },
      })),
    };
    const first = await startSaga(fixture.bus, saga, { leaseMs: 30_000, scanIntervalMs: 60_000 });
    const trigger = taskCreated();
    await storeTask(trigger);
    await until(() => runs.includes("b"), "step b to start");
    const stopped = first.stop();
    release();
    await stopped;
    const handedBack = await waitForSaga(fixture.bus, "handover", trigger.aggregateId, { until: (record) => record.owner === null, timeoutMs: 10_000 });
    expect(handedBack).toMatchObject({ status: "running", done: ["a", "b"], leaseUntil: 0 });

    const second = await startSaga(fixture.bus, saga, { leaseMs: 30_000, scanIntervalMs: 60_000 });
    try {
      expect(await second.result(trigger.aggregateId, 10_000)).toMatchObject({ status: "completed", done: ["a", "b", "c"] });
      expect(runs).toEqual(["a", "b", "c"]);
    } finally {
      await second.stop();
    }
  });
});

describe("saga - a runner process killed between steps", () => {
  test("another process resumes after the lease ran out and completes; the step that ran twice stored its event once", async () => {
    const tasks = await taskRepository();
    const first = await startWorker("--hang-after", "assign-agent");
    const taskId = await newTask(tasks);
    const halfway = await waitForSaga(fixture.bus, taskSagaName, taskId, { until: (record) => record.done.includes("accept"), timeoutMs: 30_000 });
    await until(async () => (await tasks.store.version(tasks.ref(taskId))) === 2, "the first worker to assign an agent");
    await kill(first);
    expect(halfway.done).toEqual(["accept"]);

    const second = await startWorker();
    const record = await waitForSaga(fixture.bus, taskSagaName, taskId, { timeoutMs: 30_000 });
    expect(record).toMatchObject({ status: "completed", done: ["accept", "assign-agent", "execute"], owner: null });
    expect(await taskEvents(tasks, taskId)).toEqual(["task.created", `agent.assigned:agent-${first.pid}`, "task.completed"]);
    const completion = (await tasks.events(taskId)).events[2]?.event as sdk.TaskCompletedV1;
    expect(completion.data.result).toEqual({ worker: second.pid });
  }, 90_000);

  test("a saga killed before its last step resumes in a new process whose execution fails, and compensates", async () => {
    const tasks = await taskRepository();
    const first = await startWorker("--hang-before", "execute");
    const taskId = await newTask(tasks);
    await waitForSaga(fixture.bus, taskSagaName, taskId, { until: (record) => record.done.includes("assign-agent"), timeoutMs: 30_000 });
    await kill(first);

    const second = await startWorker("--fail");
    const record = await waitForSaga(fixture.bus, taskSagaName, taskId, { timeoutMs: 30_000 });
    expect(record).toMatchObject({ status: "compensated", compensated: ["assign-agent", "accept"] });
    expect(record.failure?.message).toBe(`execution failed in ${second.pid}`);
    const agent = `agent-${first.pid}`;
    expect(await taskEvents(tasks, taskId)).toEqual(["task.created", `agent.assigned:${agent}`, "task.failed", `agent.released:${agent}`, "task.cancelled"]);
  }, 90_000);
});

describe("saga - the demo of npm start", () => {
  test("runTaskSagaDemo runs one saga that completes and one that compensates, and prints each step", async () => {
    const lines: string[] = [];
    const result = await runTaskSagaDemo(fixture.bus, (line) => lines.push(line));
    expect(result.completed.status).toBe("completed");
    expect(result.compensated).toMatchObject({ status: "compensated", failure: { step: "execute", message: "helm timeout" } });
    expect(lines.filter((line) => line.startsWith(`saga "`))).toEqual([
      `saga "${result.completed.instanceId}" completed: v1 task.created, v2 agent.assigned, v3 task.completed`,
      `saga "${result.compensated.instanceId}" compensated: v1 task.created, v2 agent.assigned, v3 task.failed, v4 agent.released, v5 task.cancelled`,
    ]);
    expect(lines).toContain(`  "${result.compensated.instanceId}": assign-agent compensated`);
  });
});
