/**
 * The messages between `WorkerModelRenderer` and its worker (`render-worker.ts`): the events go in
 * (plain data, structured-cloned), and either the models of each event (without the event, which the
 * main thread has) or what the rendering threw comes back. An error crosses as its class name,
 * message and stack, and is rebuilt on the other side as the same class where it is a standard one.
 */
import { ContractError, isContractError } from "@evc/runtime/errors";
import type { EventModels } from "./render-cache.js";

/** The models of one event as the worker sends them back: `EventModels` without its `event`. */
export type RenderedEvent = Omit<EventModels, "event">;

/** What the rendering threw, as it crosses threads. */
export interface RenderFailure {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** True for an error of this toolkit (`ContractError`), which the CLI reports as such. */
  readonly contract: boolean;
}

/** The worker's one reply: the models of each event, in the events' order, or what the rendering threw. */
export type RenderReply = { readonly rendered: readonly RenderedEvent[] } | { readonly failure: RenderFailure };

/** The standard error classes, rebuilt by name. */
const standardErrors: Readonly<Record<string, ErrorConstructor>> = { Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError };

/** Describe a thrown value to send it across threads. */
export function describeFailure(thrown: unknown): RenderFailure {
  if (!(thrown instanceof Error)) return { name: "Error", message: String(thrown), stack: undefined, contract: false };
  return { name: thrown.name, message: thrown.message, stack: thrown.stack, contract: isContractError(thrown) };
}

/**
 * The error a failure describes, as the rendering threw it in the worker: the same class for a
 * standard one or this toolkit's, with the same name, message and stack; `cause` says where it was thrown.
 */
export function rebuildFailure(failure: RenderFailure, cause: Error): Error {
  const options = { cause };
  const error = failure.contract ? new ContractError(failure.message, options) : new (standardErrors[failure.name] ?? Error)(failure.message, options);
  error.name = failure.name;
  if (failure.stack !== undefined) error.stack = failure.stack;
  return error;
}
