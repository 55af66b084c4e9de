/**
 * Turns the errors of a precompiled AsyncAPI meta-schema validator into the results the parser's
 * structure rules report for them, message for message and path for path. It matches the behaviour of
 * `@asyncapi/parser` 3.6's `documentStructure` (its `prepareResults` for resolved documents, its
 * `filterRefErrors`) on top of `@stoplight/spectral-functions` 1.x's `schema` function (ajv errors
 * rendered by `@stoplight/better-ajv-errors`, with its "Item at index" and "None of the schemas
 * matched" rewordings). `test/generator/structure-rules.test.ts` compares the two on every document.
 */
import type { ErrorObject } from "ajv";
import betterAjvErrors from "@stoplight/better-ajv-errors";

/** One structure problem: its message and the JSON path of the value it is about. */
export interface StructureResult {
  readonly message: string;
  readonly path: (string | number)[];
}

/** better-ajv-errors' message for a `$ref` where the meta-schema allows none. */
const unexpectedRef = 'Property "$ref" is not expected to be here';

/**
 * The results for the meta-schema errors of a document (`target`, found at `path`), checked resolved or
 * unresolved: a resolved document is reported for everything but misplaced `$ref`s, an unresolved
 * one for misplaced `$ref`s only.
 */
export function structureResults(errors: readonly ErrorObject[], target: unknown, path: readonly (string | number)[], resolved: boolean): StructureResult[] {
  const reported = resolved ? preparedForResolved(errors) : [...errors];
  const unmatched = unmatchedCombinators(reported);
  const results = betterAjvErrors(undefined, reported, { propertyPath: [...path], targetValue: target }).map(({ error, suggestion, path: pointer }) => ({
    message: noneMatched(itemAtIndex(suggestion === undefined ? error : `${error}. ${suggestion}`, pointer), unmatched.get(pointer)),
    path: [...path, ...pointerSegments(pointer)],
  }));
  return resolved
    ? results.filter((result) => result.message !== unexpectedRef)
    : results.filter((result) => result.message === unexpectedRef).map((result) => ({ ...result, message: "Referencing in this place is not allowed" }));
}

/**
 * The errors worth reporting for a resolved document: an unknown property is reported at its own
 * path; a missing `$ref` is never reported (a resolved document has none); of consecutive errors at one
 * path only the first; and no `oneOf` error right after an error at or below its value.
 */
function preparedForResolved(errors: readonly ErrorObject[]): ErrorObject[] {
  const relevant = errors
    .filter((error) => !(error.keyword === "required" && error.params["missingProperty"] === "$ref"))
    .map((error) => (error.keyword === "additionalProperties" ? { ...error, instancePath: `${error.instancePath}/${String(error.params["additionalProperty"])}` } : error));
  const kept: ErrorObject[] = [];
  relevant.forEach((error, index) => {
    if (index > 0 && relevant[index - 1]?.instancePath === error.instancePath) return;
    const previous = kept.at(-1);
    if (error.keyword === "oneOf" && previous !== undefined && previous.instancePath.startsWith(error.instancePath)) return;
    kept.push(error);
  });
  return kept;
}

/** The values (by JSON pointer) that matched none of the schemas of a `oneOf` or `anyOf`, with that keyword. */
function unmatchedCombinators(errors: readonly ErrorObject[]): Map<string, string> {
  const unmatched = new Map<string, string>();
  for (const { keyword, instancePath, params } of errors) {
    if ((keyword === "oneOf" || keyword === "anyOf") && !Array.isArray(params["passingSchemas"])) unmatched.set(instancePath, keyword);
  }
  return unmatched;
}

/** A message about an array item says so (`Item at index 2 must ...`) rather than naming a property `"2"`. */
function itemAtIndex(message: string, pointer: string): string {
  const index = pointer.split("/").pop() ?? "";
  if (!/^\d+$/.test(index)) return message;
  for (const prefix of [`"${index}" property type`, `"${index}" property`]) {
    if (message.startsWith(prefix)) return `Item at index ${index}${message.slice(prefix.length)}`;
  }
  return message;
}

/** A combinator's own message points at the errors of its schemas. */
function noneMatched(message: string, keyword: string | undefined): string {
  return keyword !== undefined && message.endsWith(` in ${keyword}`) ? `${message}. None of the schemas matched, see the other errors reported for this value` : message;
}

/** The segments of a JSON pointer as better-ajv-errors gives it, as spectral splits them (no unescaping). */
function pointerSegments(pointer: string): string[] {
  return pointer === "" ? [] : pointer.replace(/^\//, "").split("/");
}
