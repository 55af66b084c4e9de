/** Names like a mistyped one, for a "did you mean" in a message. */
import leven from "leven";

/** The known names at most a few edits from `given` (a quarter of its length, at least 2), nearest first, at most three. */
export function similarNames(given: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(given.length / 4));
  return known
    .map((name) => ({ name, distance: leven(given, name) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : 1))
    .slice(0, 3)
    .map(({ name }) => name);
}

/** `; did you mean "a" or "b"?`, or nothing when no known name is near. */
export function didYouMean(given: string, known: readonly string[]): string {
  const similar = similarNames(given, known).map((name) => JSON.stringify(name));
  if (similar.length === 0) return "";
  return `; did you mean ${similar.length === 1 ? similar[0] : `${similar.slice(0, -1).join(", ")} or ${similar.at(-1)}`}?`;
}
