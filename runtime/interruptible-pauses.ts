/** Pauses that all end early when interrupted: retries waiting in place while their subscription drains. */
export class InterruptiblePauses {
  readonly #waking = new Set<() => void>();

  /**
   * Wait `ms`; resolves with 0 when the pause ran its course, or with the milliseconds left when
   * `interrupt` ended it. A pause that ran its course is 0 whatever the wall clock says: a timer may
   * fire a millisecond before `Date.now()` reaches its end, which must not read as an interruption.
   */
  wait(ms: number): Promise<number> {
    const until = Date.now() + ms;
    return new Promise((resolve) => {
      const finish = (left: number) => {
        clearTimeout(timer);
        this.#waking.delete(interrupted);
        resolve(left);
      };
      const interrupted = () => finish(Math.max(0, until - Date.now()));
      const timer = setTimeout(() => finish(0), ms);
      this.#waking.add(interrupted);
    });
  }

  /** End every pause now. */
  interrupt(): void {
    for (const interrupted of [...this.#waking]) interrupted();
  }
}
