import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { EventSourcedPublishError } from "@evc/runtime";
import { AggregateLayoutError, createEventStore } from "@evc/runtime/store";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: false });

function taskCreated(taskId: string) {
  return new sdk.TaskCreatedV1({ id: randomUUID(), aggregateId: taskId, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: taskId, task_type: "deploy", priority: 1 } });
}

function agentAssigned(taskId: string) {
  return new sdk.AgentAssignedV1({ id: randomUUID(), aggregateId: taskId, timestamp: new Date().toISOString(), metadata: {}, data: { task_id: taskId, agent_id: "agent-7" } });
}

function agentRegistered(agentId: string) {
  return new sdk.AgentRegisteredV1({ id: randomUUID(), aggregateId: agentId, timestamp: new Date().toISOString(), metadata: {}, data: { agent_id: agentId, model: "m", capabilities: [] } });
}

/** How many messages the stream holds on one subject. */
async function storedOn(subject: string): Promise<number> {
  const info = await fixture.bus.manager.streams.info("DEVOPS_MCP", { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

describe("event store - one writer path per aggregate", () => {
  test("a plain publish, publishJson or publishBatch onto an event-sourced aggregate is refused before anything is sent, and the aggregate stays loadable", async () => {
    const store = await createEventStore(fixture.bus);
    const taskId = `task-${randomUUID().slice(0, 8)}`;
    const ref = { aggregateType: "task", aggregateId: taskId };
    await store.append(ref, [taskCreated(taskId)], { expectedVersion: 0 });

    const refused = await fixture.bus.publish(agentAssigned(taskId)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EventSourcedPublishError);
    expect((refused as Error).message).toBe(
      'cannot publish "agent.assigned" v1: aggregate type "task" is event-sourced (stream DEVOPS_MCP lists it under eventSourced), so only the event store writes its events; append it through the event store (@evc/runtime/store: store.append or a Repository)',
    );
    await expect(fixture.bus.publishJson(agentAssigned(taskId).toJSON())).rejects.toThrowError(EventSourcedPublishError);
    const agentId = `agent-${randomUUID().slice(0, 8)}`;
    await expect(fixture.bus.publishBatch([agentRegistered(agentId), agentAssigned(taskId)])).rejects.toThrowError(/"agent\.assigned" v1: aggregate type "task" is event-sourced/);

    expect(await storedOn(`devops-mcp.task.${taskId}`)).toBe(1);
    expect(await storedOn(`devops-mcp.agent.${agentId}`)).toBe(0);
    expect((await store.load(ref)).version).toBe(1);
    const appended = await store.append(ref, [agentAssigned(taskId)], { expectedVersion: 1 });
    expect(appended.version).toBe(2);
    expect((await store.load(ref)).events.map((event) => event.type)).toEqual(["task.created", "agent.assigned"]);
  });

  test("the event store refuses an aggregate type the spec does not declare event-sourced, so plain publishes stay its one writer", async () => {
    const store = await createEventStore(fixture.bus);
    const agentId = `agent-${randomUUID().slice(0, 8)}`;
    const refused = await store.append({ aggregateType: "agent", aggregateId: agentId }, [agentRegistered(agentId)], { expectedVersion: 0 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AggregateLayoutError);
    expect((refused as Error).message).toMatch(/the event store cannot hold aggregate type "agent": it is not event-sourced: list it under x-evc-jetstream\.streams\.DEVOPS_MCP\.eventSourced in asyncapi\/devops-mcp\.yaml/);
    expect((await fixture.bus.publish(agentRegistered(agentId))).duplicate).toBe(false);
    expect(await storedOn(`devops-mcp.agent.${agentId}`)).toBe(1);
  });
});
