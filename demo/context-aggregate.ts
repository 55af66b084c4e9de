/**
 * Seed 002's event-sourcing example, the DevOps MCP context, on the event store: `context.created`
 * then any number of `context.updated`, folded into the context's name, description and times.
 */
import { randomUUID } from "node:crypto";
import * as sdk from "@evc/seeds";
import type { Aggregate, AggregateDefinition } from "@evc/runtime/store";

/** Every event of a context, at its latest version. */
export type ContextEvent = sdk.ContextCreatedV1 | sdk.ContextUpdatedV1;

/** A context's state, plain JSON so that it snapshots as it is. */
export interface ContextState {
  readonly contextId: string;
  readonly state: "none" | "active";
  readonly name: string;
  readonly description: string;
  readonly agentId: string | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  /** How many updates it has had. */
  readonly updates: number;
}

/** A context aggregate. */
export type Context = Aggregate<ContextState, ContextEvent>;

/** The context aggregate: its events folded into `ContextState`, a snapshot every `snapshotEvery` events (default 10). */
export function contextAggregate(snapshotEvery = 10): AggregateDefinition<ContextState, ContextEvent> {
  return {
    aggregateType: "context",
    system: "devops-mcp",
    snapshotEvery,
    initialState: (contextId) => ({ contextId, state: "none", name: "", description: "", agentId: null, createdAt: null, updatedAt: null, updates: 0 }),
    apply(state, event) {
      if (event.type === "context.created") {
        return { ...state, state: "active", name: event.data.name, description: event.data.description ?? "", agentId: event.data.agent_id, createdAt: event.timestamp };
      }
      const { name, description } = event.data.changes;
      return {
        ...state,
        name: typeof name === "string" ? name : state.name,
        description: typeof description === "string" ? description : state.description,
        updatedAt: event.timestamp,
        updates: state.updates + 1,
      };
    },
  };
}

/** Record `context.created` on a context with no events (seed 002's `Context.Create`). */
export function createContext(context: Context, fields: { name: string; description: string; agentId: string; createdBy: string }): void {
  if (context.version !== 0 || context.pending.length > 0) throw new Error(`cannot create context "${context.id}": it exists`);
  context.record(
    new sdk.ContextCreatedV1({
      id: randomUUID(),
      aggregateId: context.id,
      timestamp: new Date().toISOString(),
      metadata: { userId: fields.createdBy },
      data: { context_id: context.id, agent_id: fields.agentId, name: fields.name, description: fields.description, created_by: fields.createdBy },
    }),
  );
}

/** The `context.updated` event that changes a context's fields. */
export function contextUpdated(contextId: string, changes: { name?: string; description?: string }, updatedBy: string): sdk.ContextUpdatedV1 {
  return new sdk.ContextUpdatedV1({
    id: randomUUID(),
    aggregateId: contextId,
    timestamp: new Date().toISOString(),
    metadata: { userId: updatedBy },
    data: { context_id: contextId, changes, updated_by: updatedBy },
  });
}
