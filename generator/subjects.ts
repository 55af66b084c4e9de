/** NATS subject patterns of channels, and whether a stream's subjects capture them. */

/** The subject pattern of a channel address: each token holding a `{parameter}` becomes `*`. */
export function subjectPattern(address: string): string {
  return address
    .split(".")
    .map((token) => (/\{[^}]*\}/.test(token) ? "*" : token))
    .join(".");
}

/** True when every subject matching `pattern` also matches `covering` (NATS `*` and `>` wildcards). */
export function subjectCovers(covering: string, pattern: string): boolean {
  const outer = covering.split(".");
  const inner = pattern.split(".");
  for (let index = 0; index < outer.length; index++) {
    const token = outer[index];
    if (token === ">") return inner.length > index;
    const other = inner[index];
    if (other === undefined || other === ">") return false;
    if (token !== "*" && token !== other) return false;
  }
  return outer.length === inner.length;
}
