/** Pauses that all end early when interrupted: retries waiting in place while their subscription drains. */
export class InterruptiblePauses {
  readonly #waking = new Set<() => void>();

  /** Wait `ms`; resolves with 0 when the pause ran its course, or with the milliseconds left when `interrupt` ended it. */
  wait(ms: number): Promise<number> {
    const until = Date.now() + ms;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waking.delete(done);
        resolve(Math.max(0, until - Date.now()));
      };
      const timer = setTimeout(done, ms);
      this.#waking.add(done);
    });
  }

  /** End every pause now. */
  interrupt(): void {
    for (const done of [...this.#waking]) done();
  }
}
