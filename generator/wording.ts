/** How the tool words what it counts in its messages. */

/** A count and its noun, plural unless the count is 1: `counted(1, "error")` is "1 error", `counted(3, "event version")` is "3 event versions". */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
