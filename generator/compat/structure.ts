/**
 * Structure ids of schema values: two values get the same id when they are written the same way
 * (the same keys in the same order, the same items, numbers equal as `Object.is` sees them), so
 * that the comparison of two subschemas can be reused wherever the same pair is met again, in any
 * document. A value that holds a `$ref` gets none: what it means depends on the document around it.
 * Nor does one that is not plain JSON (`undefined`, a function, a `Date`, a cycle).
 */

/** The id of each canonical text. Texts name their children by id, so each is short. */
const idsOfTexts = new Map<string, number>();
/** The id of each value read so far; null for a value without one, and while a value is being read (a cycle). */
const idsOfValues = new WeakMap<object, number | null>();
/** Texts kept at most; past it they are forgotten. Ids are never reused, so values read before keep ids that still mean what they meant. */
const maxTexts = 100_000;
let nextId = 1;

/** The structure id of a schema value; undefined when it holds a `$ref` or is not plain JSON. */
export function structureOf(value: object): number | undefined {
  return idOf(value) ?? undefined;
}

function idOf(value: object): number | null {
  const known = idsOfValues.get(value);
  if (known !== undefined) return known;
  idsOfValues.set(value, null);
  const text = textOfContainer(value);
  const id = text === undefined ? null : intern(text);
  idsOfValues.set(value, id);
  return id;
}

function textOfContainer(value: object): string | undefined {
  if (Array.isArray(value)) {
    let text = "[";
    for (let index = 0; index < value.length; index++) {
      const item = textOf(value[index]);
      if (item === undefined) return undefined;
      text += index === 0 ? item : `,${item}`;
    }
    return `${text}]`;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record["$ref"] === "string") return undefined;
  let text = "{";
  let first = true;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = textOf(record[key]);
    if (item === undefined) return undefined;
    text += `${first ? "" : ","}${JSON.stringify(key)}:${item}`;
    first = false;
  }
  return `${text}}`;
}

function textOf(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      const id = idOf(value);
      return id === null ? undefined : `#${id}`;
    }
    default:
      return undefined;
  }
}

function intern(text: string): number {
  let id = idsOfTexts.get(text);
  if (id === undefined) {
    if (idsOfTexts.size >= maxTexts) idsOfTexts.clear();
    id = nextId++;
    idsOfTexts.set(text, id);
  }
  return id;
}
