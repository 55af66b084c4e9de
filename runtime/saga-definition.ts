/**
 * What a saga is made of, as its author declares it: steps, their context, the events a step waits
 * for, and the record each instance keeps. Types only; `saga.ts` runs them, `saga-waits.ts` waits.
 */
import type { EventBus } from "./bus.js";
import type { EventInstance, JsonObject } from "./contract.js";
import type { EventTypeHandle } from "./event-types.js";

/** What a step sees of its saga instance. */
export interface SagaContext<S, T> {
  readonly saga: string;
  readonly instanceId: string;
  /** The event that started the instance, at the latest version of its type. */
  readonly trigger: T;
  /** The state, with what earlier steps returned merged in. */
  readonly state: S;
  /** 1 on the first attempt of this run or compensation. */
  readonly attempt: number;
  /** Why the saga compensates: the step that failed and its error; null while it runs forward. */
  readonly failure: SagaRecord<unknown>["failure"];
  /** The event the step waited for (`awaits`), at the latest version of its type; undefined for other steps and in compensations. */
  readonly awaited: EventInstance | undefined;
  readonly bus: EventBus;
  /** An event id that is the same every time this step of this instance runs (or compensates) again: use it for the events it publishes. */
  eventId(label?: string): string;
}

/** One step of a saga. */
export interface SagaStep<S, T> {
  /** Unique within the saga; recorded once the step is done. */
  readonly id: string;
  /** Do the step and return fields to merge into the state. It runs again if its runner dies before it is recorded done. */
  run(context: SagaContext<S, T>): Promise<Partial<S> | void> | Partial<S> | void;
  /** Undo the step; runs when a later step failed, retried until it succeeds or the saga's compensation attempts run out. */
  compensate?(context: SagaContext<S, T>): Promise<void> | void;
  /** Attempts of `run` before the step counts as failed; default 1. */
  readonly attempts?: number;
  /** An event from another service the step waits for before `run` (see `awaitEvent`); the step fails when it does not come in time. */
  readonly awaits?: EventWait;
}

/** A saga: the event type that starts it, how instances are named, their initial state and their steps. */
export interface SagaDefinition<S extends object, T = EventInstance> {
  /** Letters, digits, `-` and `_`: it names the instances' keys and the durable consumer. */
  readonly name: string;
  /** The event type that starts an instance: its handle (`TaskCreated`, which types the trigger), or its name. */
  readonly startOn: string | EventTypeHandle<string, T & EventInstance, EventInstance>;
  /** The instance an event starts; default its `aggregateId`. One instance per id: a second start is ignored. */
  instanceId?(trigger: T): string;
  /** The state an instance starts with; it must survive `JSON.stringify`. */
  initialState(trigger: T): S;
  readonly steps: readonly SagaStep<S, T>[];
}

/** Where an instance is. `completed`, `compensated` and `failed` (a compensation kept failing) are final. */
export type SagaStatus = "running" | "compensating" | "completed" | "compensated" | "failed";

/** A failure of a saga step: the step, whether it ran or was being compensated, and the error's class name and message. */
export interface SagaFailure {
  readonly step: string;
  readonly phase: "run" | "compensate";
  readonly error: string;
  readonly message: string;
  /** For a compensation that failed: the failure that started the compensating. */
  readonly cause?: SagaFailure;
}

/** The stored record of one saga instance. */
export interface SagaRecord<S = JsonObject> {
  readonly saga: string;
  readonly instanceId: string;
  readonly status: SagaStatus;
  /** The starting event's JSON, its type and version. */
  readonly trigger: { readonly type: string; readonly version: number; readonly json: JsonObject };
  readonly state: S;
  /** Steps done, in order. */
  readonly done: readonly string[];
  /** Steps compensated, in the order they were. */
  readonly compensated: readonly string[];
  /**
   * The step that failed, and then the compensation that could not be done, with the failure that
   * started the compensating as its `cause`; null while none has.
   */
  readonly failure: SagaFailure | null;
  /** The runner holding the lease (null when none does), and until when (ms since the epoch, the runner's clock). */
  readonly owner: string | null;
  readonly leaseUntil: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** The UUID version of the ids `eventId` gives: 8 since it was introduced; absent (5) on instances started before. */
  readonly eventIds?: 8;
}

// `any`: a handle's union of all versions varies by type; only its latest version matters here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHandle = EventTypeHandle<string, any, any>;

/** What a saga step waits for before it runs: an event of one of `sources`, for its instance, within `timeoutMs`. */
export interface EventWait {
  /** The event types that end the wait (their latest versions). */
  readonly sources: readonly AnyHandle[];
  /** The saga instance an event is for (its instance id): the `aggregateId` of a task event, a correlation id. */
  instanceOf(event: EventInstance): string;
  /** Whether the event is the one awaited; default every event of `sources` for the instance. */
  match?(event: EventInstance): boolean;
  /** How long the step waits from when it starts waiting; then it fails with `SagaWaitTimeoutError` and the saga compensates. */
  readonly timeoutMs: number;
}
