/**
 * Keywords of a payload schema that constrain nothing where the SDK validates: AsyncAPI schemas are
 * draft-07, and so are the generated validators (ajv, `strict: false`), which skip a keyword they do
 * not know. A misspelt one (`minimun`) and one of a later draft (`unevaluatedProperties`) are each a
 * warning where they are written, since the author meant a constraint the events will not get.
 */
import { isPlainObject } from "@evc/runtime/codegen";
import { didYouMean } from "./cli/suggest.js";
import type { DiagnosticSink } from "./diagnostics.js";
import type { DocumentLocator, EventModel } from "./model.js";
import { pointerTokens } from "./sources.js";

/** Draft-07's keywords, with draft-04's `id` and the annotations AsyncAPI's schema object and OpenAPI add (ajv applies `nullable`). */
const draft07Keywords = [
  "$schema", "$id", "id", "$ref", "$comment", "title", "description", "default", "readOnly", "writeOnly", "examples",
  "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
  "additionalItems", "items", "maxItems", "minItems", "uniqueItems", "contains", "maxProperties", "minProperties",
  "required", "additionalProperties", "definitions", "properties", "patternProperties", "dependencies", "propertyNames",
  "const", "enum", "type", "format", "contentMediaType", "contentEncoding", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
  "discriminator", "externalDocs", "deprecated", "example", "xml", "nullable",
];

/** Keywords of 2019-09 and 2020-12, which draft-07 validators skip; `$defs` is only a place to keep schemas, which `$ref`s reach all the same. */
const laterKeywords = new Set([
  "prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas", "minContains", "maxContains",
  "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$vocabulary",
]);

const known = new Set([...draft07Keywords, ...laterKeywords, "$defs"]);

/** Keywords whose value is a schema, a list of schemas, or a map of them. */
const oneSchema = ["additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else", "unevaluatedProperties", "unevaluatedItems"];
const schemaLists = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const schemaMaps = ["properties", "patternProperties", "definitions", "$defs", "dependencies", "dependentSchemas"];

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
      if (oneSchema.includes(keyword)) visit(value, [...path, keyword]);
      else if (schemaLists.includes(keyword) && Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, keyword, String(index)]));
      else if (keyword === "items") visit(value, [...path, keyword]);
      else if (schemaMaps.includes(keyword) && isPlainObject(value)) for (const [name, item] of Object.entries(value)) visit(item, [...path, keyword, name]);
    }
  };
  visit(event.schema, []);
}

/** What is wrong with a keyword, or undefined when draft-07 validators apply it (or it is an `x-` extension). */
function inertKeyword(keyword: string): { code: string; text: string } | undefined {
  if (keyword.startsWith("x-") || (known.has(keyword) && !laterKeywords.has(keyword))) return undefined;
  if (laterKeywords.has(keyword)) {
    return {
      code: "evc-later-draft-keyword",
      text: `"${keyword}" is a keyword of JSON Schema 2019-09/2020-12; AsyncAPI schemas are draft-07, whose validators (the SDK's) skip it, so it constrains nothing`,
    };
  }
  return { code: "evc-unknown-keyword", text: `"${keyword}" is no JSON Schema keyword, so it constrains nothing${didYouMean(keyword, draft07Keywords)}` };
}
