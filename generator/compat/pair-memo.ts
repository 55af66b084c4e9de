/** A bounded memo of results by a pair of numeric keys, kept across calls. */

/** Results by a pair of keys; forgets them all once it holds `limit`, so it never grows without bound. */
export class PairMemo<V> {
  readonly #byFirst = new Map<number, Map<number, V>>();
  readonly #limit: number;
  #size = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Forget every result. */
  clear(): void {
    this.#byFirst.clear();
    this.#size = 0;
  }

  /** The result kept for the pair, if any. */
  get(first: number, second: number): V | undefined {
    return this.#byFirst.get(first)?.get(second);
  }

  /** Keep a result for the pair. */
  set(first: number, second: number, value: V): void {
    if (this.#size >= this.#limit) this.clear();
    let bySecond = this.#byFirst.get(first);
    if (bySecond === undefined) {
      bySecond = new Map();
      this.#byFirst.set(first, bySecond);
    }
    if (!bySecond.has(second)) this.#size++;
    bySecond.set(second, value);
  }
}
