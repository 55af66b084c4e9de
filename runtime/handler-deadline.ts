/**
 * A handler's deadline, the same on both buses: a handler still running `timeoutMs` after it
 * started fails its delivery with `HandlerTimeoutError` (retried, then dead-lettered, like any
 * failure), and the `AbortSignal` it was handed is aborted so that it can give up its work. Its
 * outcome is ignored; a subscription in aggregate order waits for it to end before it runs the next
 * handling of the aggregate (two never run at once), and one that drains waits for it for at most
 * another `timeoutMs`.
 */
import { ContractError } from "./errors.js";

/** The failure of a delivery whose handler ran past its subscription's `handlerTimeoutMs`. */
export class HandlerTimeoutError extends ContractError {
  readonly timeoutMs: number;
  /** What the handler returned, which may still be running. */
  readonly #handler: PromiseLike<unknown>;

  constructor(timeoutMs: number, handler: PromiseLike<unknown> = Promise.resolve()) {
    super(`the handler was still running after ${timeoutMs} ms (the subscription's handlerTimeoutMs); the delivery failed and the handler's signal was aborted`);
    this.name = "HandlerTimeoutError";
    this.timeoutMs = timeoutMs;
    this.#handler = handler;
  }

  /**
   * Resolves once the handler that ran past its deadline has ended (whatever it ended with), or, given
   * `graceMs`, after that long if it has not: a subscription in aggregate order waits for it before the
   * next handling of the aggregate, a drain for at most a grace.
   */
  async handlerEnded(graceMs?: number): Promise<void> {
    const ended = Promise.resolve(this.#handler).then(ignore, ignore);
    if (graceMs === undefined) return ended;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    try {
      await Promise.race([ended, grace]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What a delivery's `signal` stands on: an `AbortController` made only when the handler asks for its signal. */
export class HandlerDeadline {
  #controller: AbortController | undefined;
  #expired: HandlerTimeoutError | undefined;

  /** Aborted when the handler runs past its deadline (or its subscription gives up on it). */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#expired !== undefined && !this.#controller.signal.aborted) this.#controller.abort(this.#expired);
    return this.#controller.signal;
  }

  /**
   * Run `handler`: what it returns, or, when that is a promise, a promise settling with it or with
   * `HandlerTimeoutError` once `timeoutMs` have passed, whichever comes first; at the deadline the
   * signal is aborted.
   */
  run(handler: () => unknown, timeoutMs: number): unknown {
    const result = handler();
    // A handler that returned without a promise has finished: no timer is needed.
    return isThenable(result) ? this.#race(result, timeoutMs) : result;
  }

  async #race(result: PromiseLike<unknown>, timeoutMs: number): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#expired = new HandlerTimeoutError(timeoutMs, result);
        this.#controller?.abort(this.#expired);
        reject(this.#expired);
      }, timeoutMs);
    });
    try {
      return await Promise.race([result, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function ignore(): void {}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}
