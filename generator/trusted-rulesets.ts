/**
 * Builds the AsyncAPI parser without spectral validating its rulesets against spectral's ruleset
 * schema. Spectral checks every ruleset it is given with a validator it compiles with ajv on first
 * use: a tenth of a second of every `evc` run before the first document is read, for rulesets that
 * are code (the parser's and `structure-rules.ts`), the same on every run. The test suite validates
 * those rulesets with spectral's own validator instead (`test/generator/trusted-rulesets.test.ts`).
 *
 * Spectral keeps that validator in a module of its own (`ruleset/validation/ajv.js`) whose
 * `createValidator` the ruleset constructor looks up on each call; while the parser is built, and
 * only then, it answers with a validator that accepts the ruleset. Anything else in the process
 * that builds a ruleset meanwhile cannot: building a parser is synchronous.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The part of spectral's `ruleset/validation/ajv.js` this module swaps. */
interface RulesetValidation {
  createValidator(format: "js" | "json"): unknown;
}

/** The validator spectral is handed while a trusted ruleset is built: it accepts what it is given. */
const acceptAll = Object.assign(() => true, { errors: null });

let found: RulesetValidation | null | undefined;

/**
 * Spectral's ruleset validation module, as the parser loads it (the copy of `@stoplight/spectral-core`
 * that `@asyncapi/parser` resolves); null when it is not where spectral 1.x keeps it.
 */
export function spectralRulesetValidation(): RulesetValidation | null {
  if (found !== undefined) return found;
  try {
    const fromParser = createRequire(createRequire(import.meta.url).resolve("@asyncapi/parser"));
    const core = fromParser.resolve("@stoplight/spectral-core");
    const module = fromParser(join(dirname(core), "ruleset", "validation", "ajv.js")) as Partial<RulesetValidation>;
    found = typeof module.createValidator === "function" ? (module as RulesetValidation) : null;
  } catch {
    found = null;
  }
  return found;
}

/**
 * Run `build` (which builds a parser from rulesets that are code) with spectral's ruleset validation
 * accepting every ruleset; validation is back as it was when `build` returns or throws. Where
 * spectral's module is not found, `build` runs with the validation on.
 */
export function withTrustedRulesets<T>(build: () => T): T {
  const validation = spectralRulesetValidation();
  if (validation === null) return build();
  const original = validation.createValidator;
  validation.createValidator = () => acceptAll;
  try {
    return build();
  } finally {
    validation.createValidator = original;
  }
}
