/**
 * Entries of a block mapping whose explicit key indicator `?` has no key after it (`?` alone, or
 * `?` then `: value` on the next line). YAML reads such a key as null, but
 * `@stoplight/yaml-ast-parser`, which the AsyncAPI parser reads YAML with, stores no entry without
 * a key node: the entry is gone from its tree and from the document without a word. As that tree
 * keeps no trace of them, they are found in the concrete syntax tree of the `yaml` package, which
 * is built only for a text with a `?` that may be such an indicator (most specs have none).
 */
import { CST, Parser } from "yaml";

/** An entry the parser drops because its key is empty, at its `?`. */
export interface EmptyKeyProblem {
  readonly code: "evc-yaml-dropped";
  readonly message: string;
  readonly offset: number;
}

/** Why an entry with an empty key is refused, however the empty key is written (`?` alone, or `:` with nothing before it). */
export const emptyKeyMessage = 'an entry with an empty key is refused: the AsyncAPI parser drops it without a word; write the key, quoted ("") if it is to be empty';

/** A `?` that may be an explicit key indicator: at the start of a line or after a blank, and before a blank or the end of the line. */
const maybeExplicitKey = /(?:^|[ \t])\?(?:[ \t\r]|$)/m;

/** The entries of block mappings in a text whose `?` has no key after it, in the order they are written. */
export function emptyKeyProblems(text: string): EmptyKeyProblem[] {
  return emptyExplicitKeys(text)
    .filter((key) => key.inBlockMap)
    .map((key) => ({ code: "evc-yaml-dropped", message: emptyKeyMessage, offset: key.offset }));
}

/**
 * The `?` indicators of entries with no key after them (or only a tag or anchor), in any collection: where
 * `@stoplight/yaml-ast-parser` crashes on a text (`? !!str` then `: v`, or `[ ? ]`), these are what it trips on.
 */
export function emptyKeyOffsets(text: string): number[] {
  return emptyExplicitKeys(text).map((key) => key.offset);
}

/** Each `?` with no key after it, and whether its entry is in a block mapping (the parser drops it there). */
function emptyExplicitKeys(text: string): { readonly offset: number; readonly inBlockMap: boolean }[] {
  if (!maybeExplicitKey.test(text)) return [];
  const found: { offset: number; inBlockMap: boolean }[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type !== "document") continue;
    CST.visit(token, (item, path) => {
      if (item.key !== null && item.key !== undefined) return;
      const indicator = item.start.find((source) => source.type === "explicit-key-ind");
      if (indicator !== undefined) found.push({ offset: indicator.offset, inBlockMap: CST.visit.parentCollection(token, path).type === "block-map" });
    });
  }
  return found;
}
