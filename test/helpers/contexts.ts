import { randomUUID } from "node:crypto";
import * as sdk from "@evc/seeds";

/** A DevOps MCP "context.created" v1 of a context, by user-1 for agent-7: the first event of a context aggregate. */
export function contextCreated(contextId: string): sdk.ContextCreatedV1 {
  return new sdk.ContextCreatedV1({
    id: randomUUID(),
    aggregateId: contextId,
    timestamp: new Date().toISOString(),
    metadata: { userId: "user-1" },
    data: { context_id: contextId, agent_id: "agent-7", name: "deployments", created_by: "user-1" },
  });
}
