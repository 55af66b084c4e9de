/** Merging reads that each yield in order into one read in that order. */

/**
 * Merge readers that each yield in the order `compare` gives into one sequence in that order. An
 * item that compares equal to the one yielded before it (one message read through two overlapping
 * filters) is yielded once. Every reader is ended however the merge ends.
 */
export async function* mergeOrdered<T>(readers: readonly AsyncGenerator<T>[], compare: (a: T, b: T) => number): AsyncGenerator<T> {
  if (readers.length === 1) {
    yield* readers[0] as AsyncGenerator<T>;
    return;
  }
  try {
    const heads = await Promise.all(readers.map((reader) => reader.next()));
    let last: { readonly value: T } | undefined;
    for (;;) {
      let best: number | undefined;
      heads.forEach((head, index) => {
        if (head.done !== true && (best === undefined || compare(head.value, (heads[best] as IteratorYieldResult<T>).value) < 0)) best = index;
      });
      if (best === undefined) return;
      const { value } = heads[best] as IteratorYieldResult<T>;
      if (last === undefined || compare(value, last.value) !== 0) yield value;
      last = { value };
      heads[best] = await (readers[best] as AsyncGenerator<T>).next();
    }
  } finally {
    await Promise.all(readers.map((reader) => reader.return(undefined)));
  }
}
