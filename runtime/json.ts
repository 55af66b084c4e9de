/** Small JSON helpers shared by the runtime and the generator. */

/** Set an own, enumerable property, even one named `__proto__`, which plain assignment would turn into a prototype change. */
export function setOwn(target: object, key: string, value: unknown): void {
  // Assignment makes the same own data property on a plain object, and keeps it in V8's fast mode.
  if (key !== "__proto__") (target as Record<string, unknown>)[key] = value;
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A shallow copy of an object's own enumerable properties, made key by key. V8 gives such a copy
 * the shape a parsed object has; a validator reads it about twice as fast as a copy made with
 * `{ ...source }` (2.6 µs against 4.5 µs to parse, upcast and validate a "record-created" v1 as v2).
 */
export function copyOwn<T extends object>(source: T): T {
  const copy = {} as T;
  for (const key of Object.keys(source)) setOwn(copy, key, (source as Record<string, unknown>)[key]);
  return copy;
}

/** A copy of an object with one property set (`{ ...source, [key]: value }`, made as `copyOwn` makes it). */
export function withOwn<T extends object>(source: T, key: string, value: unknown): T {
  const copy = copyOwn(source);
  setOwn(copy, key, value);
  return copy;
}

/** True for a plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The unescaped tokens of a JSON pointer (`/a/b~1c` → `["a", "b/c"]`). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** A token as a JSON pointer writes it (`b/c` → `b~1c`, `~` as `~0`): the inverse of `pointerTokens` for one token. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The value at a path of unescaped pointer tokens, reading own properties only; undefined when the path does not exist. */
export function valueAtPath(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const token of path) {
    if (Array.isArray(node)) node = /^\d+$/.test(token) ? node[Number(token)] : undefined;
    else if (isPlainObject(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  return node;
}
