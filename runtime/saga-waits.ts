/**
 * Saga steps that wait for an event another service publishes, built on a process manager: each
 * saga with such steps runs one (`<saga>-waits`), keyed by saga instance id, that records every
 * awaited event as it arrives (before or after the step starts waiting) and the deadline of each
 * waiting step. A step starting to wait registers its deadline once (a step run again after a
 * takeover keeps the first one), then watches the record until its event is there or its deadline
 * fired. Arrivals, deadlines and restarts are the process manager's: durable, deduplicated,
 * revision-checked.
 */
import type { EventBus } from "./bus.js";
import type { EventInstance, JsonObject } from "./contract.js";
import { ArgumentError, ContractError } from "./errors.js";
import { parseEvent } from "./event-helpers.js";
import { eventJson } from "./event-json.js";
import type { EventOf } from "./event-types.js";
import { defineProcessManager, startProcessManager, type ProcessManagerDefinition, type ProcessManagerRunner, type ProcessRecord } from "./process-manager.js";
import type { AnyHandle, EventWait, SagaContext, SagaDefinition, SagaStep } from "./saga-definition.js";
import type { DeliverPolicy } from "./subscribe-options.js";

/** Thrown into a waiting step whose event did not arrive in time: the step fails and the saga compensates. */
export class SagaWaitTimeoutError extends ContractError {
  constructor(saga: string, instanceId: string, step: string, types: readonly string[], timeoutMs: number) {
    super(`saga "${saga}" instance "${instanceId}": step "${step}" waited ${timeoutMs} ms for ${types.map((type) => `"${type}"`).join(" or ")} and none came`);
    this.name = "SagaWaitTimeoutError";
  }
}

/**
 * A step that waits for an event of one of `sources` published by another service, then runs
 * `then` with it (returning fields to merge into the state, or throwing to fail the step). The
 * event may arrive before the step starts waiting; it is kept until then.
 */
export function awaitEvent<S, T, const H extends readonly AnyHandle[]>(
  id: string,
  sources: H,
  options: {
    instanceOf(event: EventOf<H[number]>): string;
    match?(event: EventOf<H[number]>): boolean;
    readonly timeoutMs: number;
    then?(event: EventOf<H[number]>, context: SagaContext<S, T>): Promise<Partial<NoInfer<S>> | void> | Partial<NoInfer<S>> | void;
    compensate?(context: SagaContext<S, T>): Promise<void> | void;
  },
): SagaStep<S, T> {
  if (sources.length === 0) throw new ArgumentError("sources", `at least one event type for step "${id}" to wait for`);
  const { then, compensate } = options;
  const awaits: EventWait = {
    sources,
    instanceOf: (event) => options.instanceOf(event as EventOf<H[number]>),
    ...(options.match === undefined ? {} : { match: (event: EventInstance) => options.match?.(event as EventOf<H[number]>) ?? true }),
    timeoutMs: options.timeoutMs,
  };
  return {
    id,
    awaits,
    run: (context) => then?.(context.awaited as EventOf<H[number]>, context),
    ...(compensate === undefined ? {} : { compensate }),
  };
}

/** What the waits process manager keeps per saga instance. */
interface WaitState {
  /** Step id → when its wait ends (ms since the epoch), from when it started waiting. */
  readonly waiting: Readonly<Record<string, number>>;
  /** Step id → the event that arrived for it, as JSON. */
  readonly arrived: Readonly<Record<string, JsonObject>>;
  /** Steps whose deadline fired before their event came. */
  readonly timedOut: readonly string[];
}

/** The waits of one saga: its process manager, and how a step waits on it. */
export class SagaWaits {
  readonly #bus: EventBus;
  readonly #saga: string;
  readonly #manager: ProcessManagerRunner<WaitState>;

  private constructor(bus: EventBus, saga: string, manager: ProcessManagerRunner<WaitState>) {
    this.#bus = bus;
    this.#saga = saga;
    this.#manager = manager;
  }

  /** Start the waits process manager of a saga whose steps wait for events; undefined when none does. */
  static async start(bus: EventBus, saga: SagaDefinition<object, never>, options: { durable: string; deliverPolicy: DeliverPolicy; scanIntervalMs: number }): Promise<SagaWaits | undefined> {
    const definition = waitsOf(saga);
    if (definition === undefined) return undefined;
    return new SagaWaits(bus, saga.name, await startProcessManager(bus, definition, options));
  }

  /**
   * Wait for the event of a step of an instance: register the step's deadline (once: a second call
   * keeps the first), then watch until the event is there (resolve with it, at the latest version
   * of its type) or the deadline fired (`SagaWaitTimeoutError`); `signal` ends the wait early.
   */
  async wait(instanceId: string, step: SagaStep<object, never> & { readonly awaits: EventWait }, signal: AbortSignal): Promise<EventInstance> {
    const { timeoutMs, sources } = step.awaits;
    const registered = await this.#manager.dispatch(instanceId, `wait:${step.id}`, (state, context) =>
      state.waiting[step.id] === undefined ? { state: { ...state, waiting: { ...state.waiting, [step.id]: context.now + timeoutMs } } } : undefined,
    );
    const deadline = registered?.state.waiting[step.id] ?? Date.now() + timeoutMs;
    const ended = (record: ProcessRecord<WaitState>) => record.state.arrived[step.id] !== undefined || record.state.timedOut.includes(step.id);
    // The manager fires the deadline; the watch gives up a scan interval after it, should no runner be left to fire it.
    const record = await this.#manager
      .wait(instanceId, ended, Math.max(deadline - Date.now(), 0) + this.#manager.options.scanIntervalMs + 5_000, signal)
      .catch((error: unknown) => {
        if (signal.aborted) throw error;
        return undefined;
      });
    const json = record?.state.arrived[step.id];
    if (json === undefined) throw new SagaWaitTimeoutError(this.#saga, instanceId, step.id, sources.map((source) => source.type), timeoutMs);
    const contract = this.#bus.registry.latest(String(json["type"]));
    if (contract === undefined) throw new ArgumentError("awaits", `an event type of the registry, not "${String(json["type"])}"`);
    return contract.create(parseEvent(contract, json)) as EventInstance;
  }

  /** Stop the waits process manager (its consumer removed with `removeConsumer`). */
  stop(options: { removeConsumer?: boolean }): Promise<void> {
    return this.#manager.stop(options);
  }
}

/** The process manager that records the awaited events of a saga's steps, or undefined when no step waits. */
function waitsOf(saga: SagaDefinition<object, never>): ProcessManagerDefinition<WaitState> | undefined {
  const waiting = saga.steps.filter((step): step is SagaStep<object, never> & { readonly awaits: EventWait } => step.awaits !== undefined);
  if (waiting.length === 0) return undefined;
  const pending = (state: WaitState) => Object.entries(state.waiting).filter(([step]) => state.arrived[step] === undefined && !state.timedOut.includes(step));
  let definition = defineProcessManager<WaitState>(`${saga.name}-waits`, {
    initialState: () => ({ waiting: {}, arrived: {}, timedOut: [] }),
    deadline: (state) => {
      const deadlines = pending(state).map(([, deadline]) => deadline);
      return deadlines.length === 0 ? null : Math.min(...deadlines);
    },
  }).onDeadline((state, context) => ({
    state: { ...state, timedOut: [...state.timedOut, ...pending(state).filter(([, deadline]) => deadline <= context.now).map(([step]) => step)] },
  }));
  for (const step of waiting) {
    for (const source of step.awaits.sources) {
      definition = definition.on(source, {
        correlate: (event: EventInstance) => step.awaits.instanceOf(event),
        apply: (state, event: EventInstance) =>
          state.arrived[step.id] !== undefined || state.timedOut.includes(step.id) || step.awaits.match?.(event) === false
            ? undefined
            : { state: { ...state, arrived: { ...state.arrived, [step.id]: eventJson(event) } } },
      });
    }
  }
  return definition;
}
