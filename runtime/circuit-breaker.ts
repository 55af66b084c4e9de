/**
 * A circuit breaker per subscription (seed 001's CircuitBreakerEventHandler): after
 * `failureThreshold` handler failures in a row it opens, and for `openMs` no message reaches the
 * handler (the subscription gives them to its offline handler, or hands them back to the server for
 * later, without counting that as a failed delivery). Then one trial message is let through (half
 * open): success closes the circuit, failure opens it again.
 */

/** Where a circuit stands. */
export type CircuitState = "closed" | "open" | "half_open";

/** Options of a circuit breaker. */
export interface CircuitBreakerOptions {
  /** Handler failures in a row that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before a trial. */
  readonly openMs: number;
}

/** Counts failures and decides whether a handler may run now. */
export class CircuitBreaker {
  readonly options: CircuitBreakerOptions;
  #state: CircuitState = "closed";
  #failures = 0;
  /** The thrown objects counted as failures already (a batch fails each of its events with one error). */
  readonly #counted = new WeakSet<object>();
  #openedAt = 0;
  #trialRunning = false;
  readonly #onChange: (state: CircuitState, failures: number) => void;
  readonly #now: () => number;

  constructor(options: CircuitBreakerOptions, onChange: (state: CircuitState, failures: number) => void, now: () => number = Date.now) {
    this.options = options;
    this.#onChange = onChange;
    this.#now = now;
  }

  /** The current state. */
  get state(): CircuitState {
    return this.#state;
  }

  /**
   * 0 when a handler may run now (closed, or the one trial of a half-open circuit), else how many
   * milliseconds to wait before asking again.
   */
  admit(): number {
    if (this.#state === "closed") return 0;
    const remaining = this.#openedAt + this.options.openMs - this.#now();
    if (this.#state === "open" && remaining > 0) return remaining;
    if (this.#trialRunning) return Math.max(1, Math.min(this.options.openMs, 1_000));
    this.#trialRunning = true;
    this.#change("half_open");
    return 0;
  }

  /** Record a handler that succeeded: the circuit closes. */
  success(): void {
    this.#failures = 0;
    this.#trialRunning = false;
    if (this.#state !== "closed") this.#change("closed");
  }

  /**
   * Record a handler that failed: the circuit opens at the threshold, or at once after a failed trial.
   * Given what the handler threw, a thrown object already recorded is not counted again: the events
   * of a batch whose handler threw all fail with that one error, which is one failure of the handler.
   */
  failure(thrown?: unknown): void {
    if (typeof thrown === "object" && thrown !== null) {
      if (this.#counted.has(thrown)) return;
      this.#counted.add(thrown);
    }
    this.#failures++;
    const trialFailed = this.#state === "half_open";
    this.#trialRunning = false;
    if (trialFailed || (this.#state === "closed" && this.#failures >= this.options.failureThreshold)) {
      this.#openedAt = this.#now();
      this.#change("open");
    }
  }

  #change(state: CircuitState): void {
    this.#state = state;
    this.#onChange(state, this.#failures);
  }
}
