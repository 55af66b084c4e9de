/** What the process-manager tests publish as the other services of seed 002, and how they read what the manager emitted. */
import { EventHistory, type EventBus } from "@evc/runtime";
import * as sdk from "@evc/seeds";

/** Events the requesting, inviting and agent services publish for a session. */
export function collaborationEvents(bus: EventBus<sdk.LatestEvents>, sessionId: string) {
  const metadata = { correlationId: `corr-${sessionId}`, source: "test" };
  return {
    requested: (agents: readonly string[]) =>
      bus.create(sdk.CollaborationRequested, { aggregateId: sessionId, metadata, data: { session_id: sessionId, agents: [...agents], strategy: "leader_follower" } }),
    invited: (agent: string) => bus.create(sdk.AgentInvited, { aggregateId: sessionId, metadata, data: { session_id: sessionId, agent_id: agent } }),
    joined: (agent: string) => bus.create(sdk.AgentJoined, { aggregateId: sessionId, metadata, data: { session_id: sessionId, agent_id: agent } }),
  };
}

/** The stored `collaboration.started` and `collaboration.error` events of a session, oldest first. */
export async function outcomesOf(bus: EventBus, sessionId: string): Promise<(sdk.CollaborationStartedV1 | sdk.CollaborationErrorV1)[]> {
  const stored = await new EventHistory(bus).query({ type: "collaboration.*", limit: 10_000 });
  return stored
    .map(({ event }) => event)
    .filter((event): event is sdk.CollaborationStartedV1 | sdk.CollaborationErrorV1 => event instanceof sdk.CollaborationStartedV1 || event instanceof sdk.CollaborationErrorV1)
    .filter((event) => event.aggregateId === sessionId);
}
