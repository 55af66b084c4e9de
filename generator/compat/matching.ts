/** Maximum bipartite matching (Kuhn's augmenting paths), to pair old and new alternatives of a combinator. */

/**
 * Pair left items with right items along the given edges so that as many as possible are paired;
 * `edges[i]` lists the right items left item `i` may pair with, in order of preference. Returns,
 * for each left item, the index of its right item or -1.
 */
export function maximumMatching(edges: readonly (readonly number[])[], rightCount: number): number[] {
  const leftOf = new Array<number>(rightCount).fill(-1);
  const augment = (left: number, visited: boolean[]): boolean => {
    for (const right of edges[left] ?? []) {
      if (visited[right]) continue;
      visited[right] = true;
      const holder = leftOf[right] as number;
      if (holder === -1 || augment(holder, visited)) {
        leftOf[right] = left;
        return true;
      }
    }
    return false;
  };
  edges.forEach((_, left) => augment(left, new Array<boolean>(rightCount).fill(false)));
  const rightOf = new Array<number>(edges.length).fill(-1);
  leftOf.forEach((left, right) => {
    if (left !== -1) rightOf[left] = right;
  });
  return rightOf;
}
