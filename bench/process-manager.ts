/**
 * Process managers beside the plain KV client doing the least the same work needs, on the same
 * server: transitions per second by one runner (`handle`, no subscription), each a read, a
 * revision-checked write and the deadline index; the same events emitting one event each (stored
 * in the record, published, dropped from it); and a plain `get` + revision-checked `update` per
 * event on the same bucket.
 */
import { Kvm } from "@nats-io/kv";
import { AgentJoined, CollaborationStarted, registry, type AgentJoinedV1 } from "@evc/seeds";
import { connect, type EventBus } from "@evc/runtime";
import { defineProcessManager, startProcessManager } from "@evc/runtime/saga";
import { startNatsServer } from "@evc/runtime/testing";
import { middle } from "./figures.js";

/** Figures of the process manager benchmark. */
export interface ProcessManagerFigures {
  readonly events: number;
  readonly keys: number;
  /** Transitions per second that change the state only. */
  readonly transitionsPerSecond: number;
  /** Transitions per second that each emit one event. */
  readonly emittingPerSecond: number;
  /** A plain KV `get` and revision-checked `update` per event. */
  readonly rawUpdatesPerSecond: number;
}

/**
 * Run the benchmark on a server of its own: `events` agent.joined over `keys` sessions, one after
 * another, in alternating rounds per side with fresh sessions each round; a warm-up round, then
 * three whose median counts.
 */
export async function benchProcessManager(events = 2_000, keys = 100): Promise<ProcessManagerFigures> {
  await using server = await startNatsServer();
  const bus = await connect({ registry, servers: server.url, name: "bench-pm", service: "bench-pm" });
  try {
    const rounds: { counting: number; emitting: number; raw: number }[] = [];
    for (let round = 0; round < 4; round++) {
      const joins = (side: string) =>
        Array.from({ length: events }, (_, index) => {
          const session = `${side}-${round}-${index % keys}`;
          return bus.create(AgentJoined, { aggregateId: session, data: { session_id: session, agent_id: `agent-${index}` } });
        });
      rounds.push({ counting: await transitions(bus, joins("counting"), false), emitting: await transitions(bus, joins("emitting"), true), raw: await rawUpdates(bus, joins("raw")) });
    }
    rounds.shift();
    return {
      events,
      keys,
      transitionsPerSecond: middle(rounds.map((round) => round.counting)),
      emittingPerSecond: middle(rounds.map((round) => round.emitting)),
      rawUpdatesPerSecond: middle(rounds.map((round) => round.raw)),
    };
  } finally {
    await bus.close();
  }
}

async function transitions(bus: EventBus, joins: readonly AgentJoinedV1[], emit: boolean): Promise<number> {
  const name = emit ? "bench-emitting" : "bench-counting";
  const definition = defineProcessManager<{ readonly joined: number }>(name, { initialState: () => ({ joined: 0 }) }).on(AgentJoined, {
    correlate: (event) => event.data.session_id,
    apply: (state, event, context) => ({
      state: { joined: state.joined + 1 },
      emit: emit ? [context.create(CollaborationStarted, { aggregateId: event.aggregateId, data: { session_id: event.data.session_id, participants: [event.data.agent_id], strategy: "bench" } })] : [],
    }),
  });
  const runner = await startProcessManager(bus, definition, { durable: name });
  try {
    const started = performance.now();
    for (const join of joins) await runner.handle(join);
    return Math.round(joins.length / ((performance.now() - started) / 1_000));
  } finally {
    await runner.stop({ removeConsumer: true });
  }
}

async function rawUpdates(bus: EventBus, joins: readonly AgentJoinedV1[]): Promise<number> {
  const kv = await new Kvm(bus.jetstream).create("bench-raw-kv", { history: 1 });
  const started = performance.now();
  for (const join of joins) {
    const key = `raw.${join.data.session_id}`;
    const entry = await kv.get(key);
    const joined = entry === null || entry.operation !== "PUT" ? 0 : entry.json<{ joined: number }>().joined;
    const value = JSON.stringify({ joined: joined + 1, last: join.id });
    if (entry === null) await kv.create(key, value);
    else await kv.update(key, value, entry.revision);
  }
  return Math.round(joins.length / ((performance.now() - started) / 1_000));
}
