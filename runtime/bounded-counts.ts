/** Counts by key that forget the oldest keys past a capacity: what a subscription remembers about messages in flight. */
export class BoundedCounts {
  readonly #counts = new Map<string, number>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.#counts.size;
  }

  /** The count of a key; 0 when unknown or forgotten. */
  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  /** Add one to a key's count and return the new count. */
  increment(key: string): number {
    const count = this.get(key) + 1;
    this.#counts.set(key, count);
    if (this.#counts.size > this.#capacity) this.#counts.delete(this.#counts.keys().next().value as string);
    return count;
  }

  /** Forget a key. */
  delete(key: string): void {
    this.#counts.delete(key);
  }
}
