/** How the tool words what it counts in its messages. */

/** A count and its noun, plural unless the count is 1: `counted(1, "error")` is "1 error", `counted(3, "event version")` is "3 event versions". */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** What to do about a change of a released contract, which the lock forbids. */
export const releasedChangeHint = "a released version does not change: declare the next version (with x-evc.upcast from this one), or accept the break with a reason (compatibility.accept in evc.config.yaml)";
