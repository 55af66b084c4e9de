/**
 * Seed 002's `CollaborationProcessManager` on the runtime's process managers: one session per
 * collaboration (keyed by `session_id`), driven by `collaboration.requested`, `agent.invited` and
 * `agent.joined` that other services publish. Once the request has come and every agent it named
 * or that was invited has joined, it emits `collaboration.started`; when they have not all joined
 * `joinTimeoutMs` after the request, it emits `collaboration.error` naming the missing agents.
 * Events for a session that has started or failed change nothing.
 */
import { AgentInvited, AgentJoined, CollaborationError, CollaborationRequested, CollaborationStarted } from "@evc/seeds";
import { defineProcessManager, type ProcessManagerDefinition, type Transition, type TransitionContext } from "@evc/runtime/saga";

/** One collaboration session as the process manager keeps it. */
export interface CollaborationSession {
  /** `waiting` until it starts or fails. */
  readonly phase: "waiting" | "started" | "failed";
  /** Whether `collaboration.requested` has come. */
  readonly requested: boolean;
  readonly strategy: string | null;
  /** The agents the request named. */
  readonly agents: readonly string[];
  readonly invited: readonly string[];
  readonly joined: readonly string[];
  /** When the agents must all have joined (ms since the epoch); null before the request. */
  readonly joinBy: number | null;
}

/** The name the collaboration process manager's records and consumer go by. */
export const collaborationManagerName = "collaboration";

/** The collaboration process manager; sessions whose agents do not all join within `joinTimeoutMs` of the request fail. */
export function collaborationProcessManager(options: { joinTimeoutMs: number }): ProcessManagerDefinition<CollaborationSession> {
  return defineProcessManager<CollaborationSession>(collaborationManagerName, {
    initialState: () => ({ phase: "waiting", requested: false, strategy: null, agents: [], invited: [], joined: [], joinBy: null }),
    deadline: (session) => (session.phase === "waiting" ? session.joinBy : null),
  })
    .on(CollaborationRequested, {
      correlate: (event) => event.data.session_id,
      apply: (session, event, context) =>
        session.requested || session.phase !== "waiting"
          ? undefined
          : startIfReady({ ...session, requested: true, strategy: event.data.strategy, agents: event.data.agents, joinBy: context.now + options.joinTimeoutMs }, context),
    })
    .on(AgentInvited, {
      correlate: (event) => event.data.session_id,
      apply: (session, event, context) =>
        session.phase !== "waiting" || session.invited.includes(event.data.agent_id) ? undefined : startIfReady({ ...session, invited: [...session.invited, event.data.agent_id] }, context),
    })
    .on(AgentJoined, {
      correlate: (event) => event.data.session_id,
      apply: (session, event, context) =>
        session.phase !== "waiting" || session.joined.includes(event.data.agent_id) ? undefined : startIfReady({ ...session, joined: [...session.joined, event.data.agent_id] }, context),
    })
    .onDeadline((session, context) => ({
      state: { ...session, phase: "failed" },
      emit: [
        context.create(CollaborationError, {
          aggregateId: context.key,
          metadata: { source: "collaboration-process-manager" },
          data: { session_id: context.key, error: `not every invited agent joined within ${options.joinTimeoutMs} ms`, missing_agents: missing(session) },
        }),
      ],
    }));
}

/** The agents the session waits for: those the request named and those invited besides. */
export function participants(session: CollaborationSession): string[] {
  return [...new Set([...session.agents, ...session.invited])];
}

/** The participants that have not joined. */
export function missing(session: CollaborationSession): string[] {
  return participants(session).filter((agent) => !session.joined.includes(agent));
}

/** The session as it is, or started with `collaboration.started` when the request has come and every participant has joined. */
function startIfReady(session: CollaborationSession, context: TransitionContext): Transition<CollaborationSession> {
  if (!session.requested || missing(session).length > 0) return { state: session };
  return {
    state: { ...session, phase: "started" },
    emit: [
      context.create(CollaborationStarted, {
        aggregateId: context.key,
        metadata: { source: "collaboration-process-manager" },
        data: { session_id: context.key, participants: participants(session), strategy: session.strategy ?? "" },
      }),
    ],
  };
}
