/**
 * Failures a handler throws to say what kind of failure it is (seed 001's recoverable or not, seed
 * 004's categories): a `PermanentFailure` will never succeed, so the message is dead-lettered at its
 * first delivery, never retried; a `TransientFailure` is retried. Both may name a category, whose
 * policy on the stream (`x-evc-jetstream.streams.<NAME>.deadLetter.policies`) then decides what
 * happens; the dead letter carries the category.
 */
import { ContractError, isContractError } from "./errors.js";

/** Options of a handler failure. */
export interface HandlerFailureOptions extends ErrorOptions {
  /** The failure's category, as the stream's dead-letter policies name it (`validation`, `timeout`, ...). */
  readonly category?: string;
}

/** What the typed failures of a handler have in common: a reason, a category, and whether a retry may succeed. */
export abstract class HandlerFailure extends ContractError {
  /** Why the handler failed, as the dead letter records it. */
  readonly reason: string;
  readonly category: string | undefined;
  /** False when no retry can succeed. */
  abstract readonly retryable: boolean;

  constructor(reason: string, options: HandlerFailureOptions = {}) {
    super(reason, options);
    this.reason = reason;
    this.category = options.category;
  }
}

/** Thrown by a handler when the event can never be handled: it is dead-lettered at once with this reason and category, never retried. */
export class PermanentFailure extends HandlerFailure {
  readonly retryable = false;

  constructor(reason: string, options?: HandlerFailureOptions) {
    super(reason, options);
    this.name = "PermanentFailure";
  }
}

/** Thrown by a handler when a retry may succeed; its category's policy, if the stream declares one, sets the retries. */
export class TransientFailure extends HandlerFailure {
  readonly retryable = true;

  constructor(reason: string, options?: HandlerFailureOptions) {
    super(reason, options);
    this.name = "TransientFailure";
  }
}

/** The category and retryability of a thrown value, whichever copy of the package created it; plain errors have no category and are retryable. */
export function failureKind(error: unknown): { readonly category: string | undefined; readonly retryable: boolean } {
  if (!isContractError(error) || (error.name !== "PermanentFailure" && error.name !== "TransientFailure")) return { category: undefined, retryable: true };
  const failure = error as HandlerFailure;
  return { category: failure.category, retryable: failure.retryable };
}
