/** The keywords of JSON Schema draft-07 (AsyncAPI's schema dialect, and the SDK's validators') and those of the drafts after it. */

/** Draft-07's keywords, with draft-04's `id` and the annotations AsyncAPI's schema object and OpenAPI add (ajv applies `nullable`). */
export const draft07Keywords: readonly string[] = [
  "$schema", "$id", "id", "$ref", "$comment", "title", "description", "default", "readOnly", "writeOnly", "examples",
  "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
  "additionalItems", "items", "maxItems", "minItems", "uniqueItems", "contains", "maxProperties", "minProperties",
  "required", "additionalProperties", "definitions", "properties", "patternProperties", "dependencies", "propertyNames",
  "const", "enum", "type", "format", "contentMediaType", "contentEncoding", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
  "discriminator", "externalDocs", "deprecated", "example", "xml", "nullable",
];

/** Keywords of 2019-09 and 2020-12, which draft-07 validators skip (`$defs` aside: only a place to keep schemas, which `$ref`s reach all the same). */
export const laterDraftKeywords: readonly string[] = [
  "prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas", "minContains", "maxContains",
  "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$vocabulary",
];

/** The keywords whose value is a subschema, a list of them, or a map of them by name. */
export interface SubschemaKeywords {
  /** A schema (`items` in its object form too). */
  readonly single: readonly string[];
  readonly lists: readonly string[];
  readonly maps: readonly string[];
}

/** Where draft-07 keeps subschemas (and `$defs`, a place to keep schemas that later drafts name). */
export const draft07Subschemas: SubschemaKeywords = {
  single: ["items", "additionalItems", "additionalProperties", "contains", "not", "if", "then", "else", "propertyNames"],
  lists: ["oneOf", "anyOf", "allOf", "items"],
  maps: ["properties", "patternProperties", "definitions", "$defs", "dependencies"],
};

/** Where 2019-09 and 2020-12 keep subschemas beyond draft-07's. */
export const laterDraftSubschemas: SubschemaKeywords = {
  single: ["unevaluatedProperties", "unevaluatedItems"],
  lists: ["prefixItems"],
  maps: ["dependentSchemas"],
};
