/**
 * The timers of the in-memory bus (redelivery backoff, circuit pauses). A virtual clock lets no
 * real time pass: its timers fire, in the order they are due, whenever the bus has nothing else to
 * do, so a test of a retried handler does not wait for the backoff yet sees the same order of
 * events. A real clock uses `setTimeout`.
 */

/** How the in-memory bus's timers run: `virtual` (no real waiting) or `real`. */
export type ClockMode = "virtual" | "real";

interface Timer {
  readonly due: number;
  readonly order: number;
  readonly run: () => void;
}

/** Schedules the in-memory bus's delayed work and tells the time, virtual or real. */
export class MemoryClock {
  readonly mode: ClockMode;
  readonly #started = Date.now();
  /** Virtual milliseconds passed since the clock started. */
  #elapsed = 0;
  #order = 0;
  readonly #virtual: Timer[] = [];
  readonly #real = new Set<ReturnType<typeof setTimeout>>();

  constructor(mode: ClockMode) {
    this.mode = mode;
  }

  /** The time in epoch milliseconds: the wall clock, plus the virtual time passed on a virtual clock. */
  now(): number {
    return this.mode === "virtual" ? this.#started + this.#elapsed : Date.now();
  }

  /** Timers that have not fired yet. */
  get pending(): number {
    return this.#virtual.length + this.#real.size;
  }

  /** Run `run` after `delayMs` (virtual or real milliseconds). */
  schedule(delayMs: number, run: () => void): void {
    if (this.mode === "virtual") {
      this.#virtual.push({ due: this.#elapsed + Math.max(0, delayMs), order: this.#order++, run });
      this.#virtual.sort((a, b) => a.due - b.due || a.order - b.order);
      return;
    }
    const timer = setTimeout(() => {
      this.#real.delete(timer);
      run();
    }, delayMs);
    this.#real.add(timer);
  }

  /** On a virtual clock, move the time to the next due timer and fire every timer due then; false when none is pending. */
  advance(): boolean {
    const next = this.#virtual[0];
    if (next === undefined) return false;
    this.#elapsed = Math.max(this.#elapsed, next.due);
    while (this.#virtual[0] !== undefined && this.#virtual[0].due <= this.#elapsed) (this.#virtual.shift() as Timer).run();
    return true;
  }

  /** Drop every pending timer. */
  clear(): void {
    this.#virtual.length = 0;
    for (const timer of this.#real) clearTimeout(timer);
    this.#real.clear();
  }
}
