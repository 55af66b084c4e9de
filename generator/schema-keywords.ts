/**
 * Keywords of a payload schema that constrain nothing where the SDK validates: AsyncAPI schemas are
 * draft-07, and so are the generated validators (ajv, `strict: false`), which skip a keyword they do
 * not know. A misspelt one (`minimun`) and one of a later draft (`unevaluatedProperties`) are each a
 * warning where they are written, since the author meant a constraint the events will not get.
 */
import { isPlainObject } from "@evc/runtime/codegen";
import { didYouMean } from "./cli/suggest.js";
import type { DiagnosticSink } from "./diagnostics.js";
import { draft07Keywords, draft07Subschemas, laterDraftKeywords, laterDraftSubschemas } from "./json-schema-keywords.js";
import type { DocumentLocator, EventModel } from "./model.js";
import { pointerTokens } from "./sources.js";

/** The keywords draft-07 validators apply, and `$defs`, where schemas are kept for `$ref`s. */
const applied = new Set([...draft07Keywords, "$defs"]);
const later = new Set(laterDraftKeywords);

/** Keywords whose value is a schema, a list of schemas, or a map of them, of every draft: a later draft's keyword may hold misspelt ones too. */
const oneSchema = new Set([...draft07Subschemas.single, ...laterDraftSubschemas.single]);
const schemaLists = new Set([...draft07Subschemas.lists, ...laterDraftSubschemas.lists]);
const schemaMaps = new Set([...draft07Subschemas.maps, ...laterDraftSubschemas.maps]);

/** Warn at each keyword of the event's payload schema that no draft-07 validator applies. */
export function warnInertKeywords(event: EventModel, sink: DiagnosticSink, locate: DocumentLocator | undefined): void {
  const base = pointerTokens(event.payloadPointer);
  const visited = new Set<object>();
  const visit = (schema: unknown, path: readonly string[]): void => {
    if (!isPlainObject(schema) || visited.has(schema)) return;
    visited.add(schema);
    for (const [keyword, value] of Object.entries(schema)) {
      const message = inertKeyword(keyword);
      if (message !== undefined) sink.warning(message.code, message.text, locate === undefined ? event.location : locate(event, [...base, ...path, keyword]));
      if (schemaLists.has(keyword) && Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, keyword, String(index)]));
      else if (oneSchema.has(keyword)) visit(value, [...path, keyword]);
      else if (schemaMaps.has(keyword) && isPlainObject(value)) for (const [name, item] of Object.entries(value)) visit(item, [...path, keyword, name]);
    }
  };
  visit(event.schema, []);
}

/** What is wrong with a keyword, or undefined when draft-07 validators apply it (or it is an `x-` extension). */
function inertKeyword(keyword: string): { code: string; text: string } | undefined {
  if (keyword.startsWith("x-") || applied.has(keyword)) return undefined;
  if (later.has(keyword)) {
    return {
      code: "evc-later-draft-keyword",
      text: `"${keyword}" is a keyword of JSON Schema 2019-09/2020-12; AsyncAPI schemas are draft-07, whose validators (the SDK's) skip it, so it constrains nothing`,
    };
  }
  return { code: "evc-unknown-keyword", text: `"${keyword}" is no JSON Schema keyword, so it constrains nothing${didYouMean(keyword, draft07Keywords)}` };
}
