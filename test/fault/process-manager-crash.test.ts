import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { waitForProcess, type ProcessRecord } from "@evc/runtime/saga";
import { collaborationManagerName, type CollaborationSession } from "../../demo/collaboration-process.js";
import { useBus } from "../helpers/bus.js";
import { collaborationEvents, outcomesOf } from "../helpers/collaboration.js";
import { killChild, startReadyTs } from "../helpers/spawn-ts.js";

const fixture = useBus({ reset: false });
const script = join(import.meta.dirname, "../fixtures/runtime/collaboration-manager.ts");

/** Start a process running the collaboration manager and wait until it says it is ready. */
function startManager(durable: string, joinTimeoutMs: number, crashBeforePublish?: string): Promise<ChildProcess> {
  return startReadyTs(script, [fixture.server.url, durable, String(joinTimeoutMs), ...(crashBeforePublish === undefined ? [] : ["--crash-before-publish", crashBeforePublish])]);
}

/** Resolve with the signal that ended a child once it has exited. */
function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.signalCode) : new Promise((resolve) => child.once("exit", (_, signal) => resolve(signal)));
}

function record(sessionId: string, until: (record: ProcessRecord<CollaborationSession>) => boolean): Promise<ProcessRecord<CollaborationSession>> {
  return waitForProcess<CollaborationSession>(fixture.bus, collaborationManagerName, sessionId, until, { timeoutMs: 60_000 });
}

describe("fault - a process manager killed", () => {
  test("between two events: a new process takes the next event, the session starts once with the right state", async () => {
    const durable = `pm-kill-${randomUUID().slice(0, 8)}`;
    const sessionId = `collab-${randomUUID()}`;
    const events = collaborationEvents(fixture.bus, sessionId);
    const first = await startManager(durable, 60_000);
    for (const event of [events.requested(["agent-7", "agent-9"]), events.invited("agent-7"), events.invited("agent-9"), events.joined("agent-7")]) await fixture.bus.publish(event);
    await record(sessionId, (current) => current.transitions === 4);
    expect(await killChild(first)).toBe("SIGKILL");

    await fixture.bus.publish(events.joined("agent-9"));
    const second = await startManager(durable, 60_000);
    try {
      const started = await record(sessionId, (current) => current.state.phase === "started" && current.pending.length === 0);
      expect(started.transitions).toBe(5);
      expect(started.state).toMatchObject({ invited: ["agent-7", "agent-9"], joined: ["agent-7", "agent-9"] });
      const outcomes = await outcomesOf(fixture.bus, sessionId);
      expect(outcomes.map((event) => [event.type, event.data])).toEqual([["collaboration.started", { session_id: sessionId, participants: ["agent-7", "agent-9"], strategy: "leader_follower" }]]);
    } finally {
      await killChild(second);
    }
  }, 120_000);

  test("after writing a transition and before publishing what it emitted: the next process publishes it, once", async () => {
    const durable = `pm-kill-${randomUUID().slice(0, 8)}`;
    const sessionId = `collab-${randomUUID()}`;
    const events = collaborationEvents(fixture.bus, sessionId);
    const first = await startManager(durable, 60_000, "collaboration.started");
    for (const event of [events.requested(["agent-7", "agent-9"]), events.joined("agent-7"), events.joined("agent-9")]) await fixture.bus.publish(event);
    expect(await exited(first)).toBe("SIGKILL");
    const written = await record(sessionId, (current) => current.state.phase === "started");
    expect(written.pending.map((json) => json["type"])).toEqual(["collaboration.started"]);
    expect(await outcomesOf(fixture.bus, sessionId)).toEqual([]);

    const second = await startManager(durable, 60_000);
    try {
      const settled = await record(sessionId, (current) => current.pending.length === 0);
      expect(settled.transitions).toBe(3);
      const outcomes = await outcomesOf(fixture.bus, sessionId);
      expect(outcomes.map((event) => [event.type, event.id])).toEqual([["collaboration.started", written.pending[0]?.["id"]]]);
    } finally {
      await killChild(second);
    }
  }, 120_000);

  test("after its deadline fired and before collaboration.error was published: the next process publishes it, once", async () => {
    const durable = `pm-kill-${randomUUID().slice(0, 8)}`;
    const sessionId = `collab-${randomUUID()}`;
    const events = collaborationEvents(fixture.bus, sessionId);
    const first = await startManager(durable, 500, "collaboration.error");
    await fixture.bus.publish(events.requested(["agent-7", "agent-9"]));
    expect(await exited(first)).toBe("SIGKILL");
    const written = await record(sessionId, (current) => current.state.phase === "failed");
    expect(written.pending.map((json) => json["type"])).toEqual(["collaboration.error"]);

    const second = await startManager(durable, 500);
    try {
      await record(sessionId, (current) => current.pending.length === 0);
      const outcomes = await outcomesOf(fixture.bus, sessionId);
      expect(outcomes.map((event) => [event.type, event.data])).toEqual([["collaboration.error", { session_id: sessionId, error: "not every invited agent joined within 500 ms", missing_agents: ["agent-7", "agent-9"] }]]);
    } finally {
      await killChild(second);
    }
  }, 120_000);
});
