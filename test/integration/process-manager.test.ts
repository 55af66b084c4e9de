import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { ArgumentError, EventSourcedPublishError } from "@evc/runtime";
import { defineProcessManager, startProcessManager, waitForProcess, type ProcessNotification, type ProcessManagerRunner } from "@evc/runtime/saga";
import { collaborationManagerName, collaborationProcessManager, type CollaborationSession } from "../../demo/collaboration-process.js";
import { useBus } from "../helpers/bus.js";
import { collaborationEvents, outcomesOf } from "../helpers/collaboration.js";
import { until } from "../helpers/until.js";

const fixture = useBus({ reset: false });

/** A runner of the collaboration manager under a consumer of its own, with every notification collected. */
async function startManager(joinTimeoutMs: number, durable: string, scanIntervalMs = 200) {
  const runner = await startProcessManager(fixture.bus, collaborationProcessManager({ joinTimeoutMs }), { durable, scanIntervalMs });
  const notifications: ProcessNotification[] = [];
  const listening = (async () => {
    for await (const notification of runner.status()) notifications.push(notification);
  })();
  return {
    runner,
    notifications,
    async stop(removeConsumer = true) {
      await runner.stop({ removeConsumer });
      await listening;
    },
  };
}

function runnerOf(manager: { runner: ProcessManagerRunner<CollaborationSession> } | undefined): ProcessManagerRunner<CollaborationSession> {
  if (manager === undefined) throw new Error("no such manager");
  return manager.runner;
}

function phaseOf(sessionId: string, phase: CollaborationSession["phase"]) {
  return waitForProcess<CollaborationSession>(fixture.bus, collaborationManagerName, sessionId, (record) => record.state.phase === phase && record.pending.length === 0, { timeoutMs: 20_000 });
}

describe("process managers - seed 002's collaboration", () => {
  test("refuses what it cannot run: no reaction, a deadline with no transition, an event it does not react to, an emitted event the context did not build", async () => {
    await expect(startProcessManager(fixture.bus, defineProcessManager("empty", { initialState: () => ({}) }))).rejects.toThrow(/at least one reaction/);
    const timed = defineProcessManager("timed", { initialState: () => ({}), deadline: () => 0 }).on(sdk.AgentJoined, { correlate: (event) => event.aggregateId, apply: () => undefined });
    await expect(startProcessManager(fixture.bus, timed)).rejects.toThrow(ArgumentError);
    const name = `pm-bad-${randomUUID().slice(0, 8)}`;
    const sessionId = `collab-${randomUUID()}`;
    const events = collaborationEvents(fixture.bus, sessionId);
    const stray = defineProcessManager<{ readonly joined: number }>(name, { initialState: () => ({ joined: 0 }) }).on(sdk.AgentJoined, {
      correlate: (event) => event.data.session_id,
      apply: (state, event) => ({
        state: { joined: state.joined + 1 },
        emit: [fixture.bus.create(sdk.CollaborationStarted, { aggregateId: event.aggregateId, data: { session_id: event.data.session_id, participants: [], strategy: "x" } })],
      }),
    });
    const runner = await startProcessManager(fixture.bus, stray, { durable: name });
    try {
      await expect(runner.handle(events.requested(["agent-7", "agent-9"]))).rejects.toThrow(/reacts to, not "collaboration.requested"/);
      await expect(runner.handle(events.joined("agent-7"))).rejects.toThrow(/built with the transition context's create/);
      expect(await runner.read(sessionId)).toBeUndefined();
    } finally {
      await runner.stop({ removeConsumer: true });
    }
    // An event only the event store may write ("task" is event-sourced) is refused before the record holds it.
    const storeOnly = defineProcessManager<{ readonly joined: number }>(`${name}-store`, { initialState: () => ({ joined: 0 }) }).on(sdk.AgentJoined, {
      correlate: (event) => event.data.session_id,
      apply: (state, event, context) => ({ state: { joined: state.joined + 1 }, emit: [context.create(sdk.AgentAssigned, { aggregateId: "task-1", data: { task_id: "task-1", agent_id: event.data.agent_id } })] }),
    });
    const storeRunner = await startProcessManager(fixture.bus, storeOnly, { durable: `${name}-store` });
    try {
      await expect(storeRunner.handle(events.joined("agent-7"))).rejects.toThrow(EventSourcedPublishError);
      expect(await storeRunner.read(sessionId)).toBeUndefined();
    } finally {
      await storeRunner.stop({ removeConsumer: true });
    }
  });

  test("a session whose agents are invited and join, all published by other services, starts once with every participant", async () => {
    const manager = await startManager(30_000, `pm-full-${randomUUID().slice(0, 8)}`);
    try {
      const sessionId = `collab-${randomUUID()}`;
      const events = collaborationEvents(fixture.bus, sessionId);
      for (const event of [events.requested(["agent-7", "agent-9"]), events.invited("agent-7"), events.invited("agent-9"), events.joined("agent-7")]) await fixture.bus.publish(event);
      const waiting = await waitForProcess<CollaborationSession>(fixture.bus, collaborationManagerName, sessionId, (record) => record.transitions === 4, { timeoutMs: 20_000 });
      expect(waiting.state).toMatchObject({ phase: "waiting", joined: ["agent-7"], invited: ["agent-7", "agent-9"] });
      expect(waiting.deadline).toBeGreaterThan(Date.now());

      await fixture.bus.publish(events.joined("agent-9"));
      const started = await phaseOf(sessionId, "started");
      expect(started.deadline).toBeNull();
      const outcomes = await outcomesOf(fixture.bus, sessionId);
      expect(outcomes.map((event) => [event.type, event.data])).toEqual([["collaboration.started", { session_id: sessionId, participants: ["agent-7", "agent-9"], strategy: "leader_follower" }]]);
      expect(outcomes[0]?.metadata.correlationId).toBe(`corr-${sessionId}`);
    } finally {
      await manager.stop();
    }
  });

  test("a session whose agents do not all join in time ends with collaboration.error naming the missing ones", async () => {
    const manager = await startManager(400, `pm-timeout-${randomUUID().slice(0, 8)}`);
    try {
      const sessionId = `collab-${randomUUID()}`;
      const events = collaborationEvents(fixture.bus, sessionId);
      for (const event of [events.requested(["agent-7", "agent-9"]), events.invited("agent-7"), events.invited("agent-9"), events.joined("agent-7")]) await fixture.bus.publish(event);
      const failed = await phaseOf(sessionId, "failed");
      expect(failed.deadline).toBeNull();
      const outcomes = await outcomesOf(fixture.bus, sessionId);
      expect(outcomes.map((event) => [event.type, event.data])).toEqual([["collaboration.error", { session_id: sessionId, error: "not every invited agent joined within 400 ms", missing_agents: ["agent-9"] }]]);

      await fixture.bus.publish(events.joined("agent-9"));
      await manager.runner.handle(events.joined("agent-9"));
      expect((await manager.runner.read(sessionId))?.state.phase).toBe("failed");
      expect(await outcomesOf(fixture.bus, sessionId)).toHaveLength(1);
    } finally {
      await manager.stop();
    }
  });

  test("a deadline set by a runner that stopped fires in the runner started after it", async () => {
    const durable = `pm-restart-${randomUUID().slice(0, 8)}`;
    const sessionId = `collab-${randomUUID()}`;
    const events = collaborationEvents(fixture.bus, sessionId);
    const first = await startManager(500, durable, 60_000);
    await first.runner.handle(events.requested(["agent-7", "agent-9"]));
    await first.stop(false);
    expect((await first.runner.read(sessionId))?.state.phase).toBe("waiting");
    await sleep(600);

    const second = await startManager(500, durable, 60_000);
    try {
      await phaseOf(sessionId, "failed");
      const outcomes = await outcomesOf(fixture.bus, sessionId);
      expect(outcomes.map((event) => event.type)).toEqual(["collaboration.error"]);
      expect(outcomes[0]?.data).toMatchObject({ missing_agents: ["agent-7", "agent-9"] });
    } finally {
      await second.stop();
    }
  });

  test("events that came in time while no runner ran are applied before the deadlines that passed meanwhile fire", async () => {
    const durable = `pm-catchup-${randomUUID().slice(0, 8)}`;
    const sessionId = `collab-${randomUUID()}`;
    const events = collaborationEvents(fixture.bus, sessionId);
    const agents = Array.from({ length: 10 }, (_, index) => `agent-${index}`);
    const first = await startManager(1_000, durable, 60_000);
    for (const event of [events.requested(agents), ...agents.map((agent) => events.invited(agent))]) await fixture.bus.publish(event);
    await waitForProcess<CollaborationSession>(fixture.bus, collaborationManagerName, sessionId, (record) => record.transitions === 11, { timeoutMs: 20_000 });
    await first.stop(false);
    // All ten join within the deadline, while no runner runs; the deadline then passes. The next runner
    // learns of the passed deadline from the first join it applies, and must not fire it before the rest.
    for (const agent of agents) await fixture.bus.publish(events.joined(agent));
    await sleep(1_200);

    const second = await startManager(1_000, durable, 60_000);
    try {
      await phaseOf(sessionId, "started");
      expect((await outcomesOf(fixture.bus, sessionId)).map((event) => event.type)).toEqual(["collaboration.started"]);
    } finally {
      await second.stop();
    }
  });

  test("concurrent events for one session, applied by two runners at once, are all kept: conflicting writes retry", async () => {
    const durable = `pm-concurrent-${randomUUID().slice(0, 8)}`;
    const managers = [await startManager(30_000, durable), await startManager(30_000, durable)];
    try {
      const sessionId = `collab-${randomUUID()}`;
      const events = collaborationEvents(fixture.bus, sessionId);
      const agents = Array.from({ length: 12 }, (_, index) => `agent-${index}`);
      await runnerOf(managers[0]).handle(events.requested(agents));
      const invitations = agents.map((agent) => events.invited(agent));
      const joins = agents.map((agent) => events.joined(agent));
      for (const arrivals of [invitations, joins]) await Promise.all(arrivals.map((event, index) => runnerOf(managers[index % 2]).handle(event)));

      const record = await phaseOf(sessionId, "started");
      expect([...record.state.invited].sort()).toEqual([...agents].sort());
      expect([...record.state.joined].sort()).toEqual([...agents].sort());
      expect(record.transitions).toBe(1 + invitations.length + joins.length);
      expect(managers.flatMap((manager) => manager.notifications).filter((notification) => notification.type === "conflict").length).toBeGreaterThan(0);
      const outcomes = await outcomesOf(fixture.bus, sessionId);
      expect(outcomes.map((event) => [event.type, event.data.session_id])).toEqual([["collaboration.started", sessionId]]);
    } finally {
      for (const manager of managers) await manager.stop();
    }
  });

  test("an event delivered twice is applied once, and what its transition emitted is stored once", async () => {
    const manager = await startManager(30_000, `pm-duplicate-${randomUUID().slice(0, 8)}`);
    try {
      const sessionId = `collab-${randomUUID()}`;
      const events = collaborationEvents(fixture.bus, sessionId);
      const last = events.joined("agent-9");
      for (const event of [events.requested(["agent-7", "agent-9"]), events.joined("agent-7"), last]) await manager.runner.handle(event);
      await manager.runner.handle(last);
      const late = events.joined("agent-7");
      await fixture.bus.publish(late);
      await until(() => manager.notifications.some((notification) => notification.type === "ignored" && notification.cause === late.id), "the late join to be ignored");

      const record = await manager.runner.read(sessionId);
      expect(record?.transitions).toBe(3);
      expect(record?.state).toMatchObject({ phase: "started", joined: ["agent-7", "agent-9"] });
      expect(manager.notifications.filter((notification) => notification.type === "duplicate").map((notification) => notification.type === "duplicate" && notification.cause)).toContain(last.id);
      expect(await outcomesOf(fixture.bus, sessionId)).toHaveLength(1);
    } finally {
      await manager.stop();
    }
  });

  test("a runner subscribes with its ack wait and handler deadline", async () => {
    const subscribed: unknown[] = [];
    // The bus as the runner sees it, with what it subscribes with recorded.
    const bus = new Proxy(fixture.bus, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (property === "subscribe") return (...args: Parameters<typeof target.subscribe>) => (subscribed.push(args[2]), target.subscribe(...args));
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const durable = `pm-deadline-${randomUUID().slice(0, 8)}`;
    const runner = await startProcessManager(bus, collaborationProcessManager({ joinTimeoutMs: 60_000 }), { durable, ackWaitMs: 20_000, handlerTimeoutMs: 90_000 });
    try {
      expect(subscribed).toEqual([expect.objectContaining({ durable, ackWaitMs: 20_000, handlerTimeoutMs: 90_000 })]);
    } finally {
      await runner.stop({ removeConsumer: true });
    }
  });
});
