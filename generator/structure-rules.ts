import { documentStructure } from "@asyncapi/parser/cjs/ruleset/functions/documentStructure.js";

type StructureCheck = (...args: Parameters<typeof documentStructure>) => ReturnType<typeof documentStructure>;

/**
 * The parser's two rules that check a document against the AsyncAPI meta-schema, as they are, but
 * with one compiled meta-schema for every document one parser reads: pass as the parser's `ruleset`.
 *
 * Spectral's `schema` function keeps its ajv instances per document (keyed by the document's
 * inventory), so the parser compiles the whole AsyncAPI meta-schema, twice (resolved and unresolved),
 * for every document: most of the time of reading a handful of specs. The meta-schema is the same for
 * every document, so these rules hand the function one key of their own in place of the inventory. They
 * override only `given` (the whole document, as the parser's; spectral asks for it) and `then`: the
 * rules' message, severity, formats, `resolved` and results stay the parser's. Other rules that validate with
 * `schema` (examples against a payload schema, whose `$id` must not reach another document) keep
 * their instances per document.
 */
export function sharedStructureRules() {
  const inventory = {} as Parameters<typeof documentStructure>[2]["documentInventory"];
  const check: StructureCheck = (input, options, context) => documentStructure(input, options, { ...context, documentInventory: inventory });
  return {
    // The parser's rulesets come first whatever this says; these rules then override two of theirs.
    extends: [],
    rules: {
      "asyncapi-document-resolved": { given: "$", then: { function: check, functionOptions: { resolved: true } } },
      "asyncapi-document-unresolved": { given: "$", then: { function: check, functionOptions: { resolved: false } } },
    },
  };
}
