import { AsyncAPIFormats } from "@asyncapi/parser/cjs/ruleset/formats.js";
import { documentStructure } from "@asyncapi/parser/cjs/ruleset/functions/documentStructure.js";
import { coreRuleset, recommendedRuleset } from "@asyncapi/parser/cjs/ruleset/ruleset.js";
import { assertMetaSchemaValidatorsBuilt, metaSchemaValidator } from "./meta-schema-validators.js";
import { structureResults } from "./meta-schema-results.js";

type StructureCheck = (...args: Parameters<typeof documentStructure>) => ReturnType<typeof documentStructure>;
type CheckContext = Parameters<StructureCheck>[2];
/** A rule of the parser's rulesets, as far as overriding its function goes. */
interface ParserRule {
  readonly given: string;
  readonly then: { readonly function: unknown };
}
type RuleFunction = (input: unknown, options: unknown, context: CheckContext) => unknown;

/**
 * The parser's two rules that check a document against the AsyncAPI meta-schema, reporting what
 * theirs report, but compiling no meta-schema at run time: pass as the parser's `ruleset`.
 *
 * The parser's rule function (`documentStructure`) has spectral's `schema` function compile the whole
 * meta-schema, resolved and unresolved, with ajv: most of the time of reading a handful of specs. These
 * rules validate with the validators the build precompiled (`meta-schema-validators.ts`) and word
 * the errors as the parser does (`meta-schema-results.ts`). A document of a version without a precompiled
 * validator goes to the parser's function, with one key of ours in place of the document's inventory:
 * spectral keeps its ajv instances by that key, so the meta-schema is compiled once per parser rather than
 * once per document (other rules that validate with `schema`, such as examples against a payload schema
 * whose `$id` must not reach another document, keep their instances per document). The rules override only
 * `given` (the whole document, as the parser's; spectral asks for it) and `then`: their message, severity,
 * formats and `resolved` stay the parser's. Throws `PrecompiledValidatorMissingError` when the tool package was
 * not built (spectral would bury an error of the rules in one of its own).
 *
 * Two more of the parser's rules check a value against a small schema of their own with spectral's `schema`
 * (`asyncapi-latest-version`, `asyncapi-servers`); spectral would build a new ajv instance for every
 * document they check, at a twentieth of a second each, so they get the same key of ours: one instance per parser.
 *
 * The parser's complaint about a key YAML reads as no string ("Mapping key must be a string scalar rather
 * than number", an error that stops the document) is turned off: evc reads the same key and warns, where it
 * is written, only when the string it becomes is not the one written (`evc-key-rewritten`, `yaml-keys.ts`).
 */
export function sharedStructureRules() {
  assertMetaSchemaValidatorsBuilt();
  const inventory = {} as CheckContext["documentInventory"];
  const check: StructureCheck = (input, options, context) => {
    const version = asyncApiVersion(context.document.formats);
    const validate = version === undefined || input === undefined ? undefined : metaSchemaValidator(version, options.resolved);
    if (validate === undefined) return documentStructure(input, options, { ...context, documentInventory: inventory });
    return validate(input) ? [] : structureResults(validate.errors ?? [], input, context.path, options.resolved);
  };
  return {
    // The parser's rulesets come first whatever this says; these rules then override two of theirs.
    extends: [],
    parserOptions: { incompatibleValues: "off" as const },
    rules: {
      "asyncapi-document-resolved": { given: "$", then: { function: check, functionOptions: { resolved: true } } },
      "asyncapi-document-unresolved": { given: "$", then: { function: check, functionOptions: { resolved: false } } },
      "asyncapi-latest-version": withInventory(coreRuleset.rules["asyncapi-latest-version"], inventory),
      "asyncapi-servers": withInventory(recommendedRuleset.rules["asyncapi-servers"], inventory),
    },
  };
}

/** A rule of the parser's, its `given` and `then` as they are, whose function gets `inventory` in place of the document's. */
function withInventory(rule: ParserRule, inventory: CheckContext["documentInventory"]) {
  const then = rule.then as { readonly function: RuleFunction };
  const call: RuleFunction = (input, options, context) => then.function(input, options, { ...context, documentInventory: inventory });
  return { given: rule.given, then: { ...then, function: call } };
}

/** The AsyncAPI version whose meta-schema the parser checks a document of these formats against, as its `getSchema` picks it. */
function asyncApiVersion(formats: CheckContext["document"]["formats"]): string | undefined {
  if (formats === undefined || formats === null) return undefined;
  for (const [version, format] of AsyncAPIFormats) if (formats.has(format)) return version;
  return undefined;
}
