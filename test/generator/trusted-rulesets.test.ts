import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Parser } from "@asyncapi/parser";
import { DiagnosticSink } from "../../generator/diagnostics.js";
import { SpecParser } from "../../generator/parse.js";
import { SourceFiles } from "../../generator/sources.js";
import { sharedStructureRules } from "../../generator/structure-rules.js";
import { spectralRulesetValidation, withTrustedRulesets } from "../../generator/trusted-rulesets.js";

/** A ruleset spectral's ruleset schema refuses (a rule's description must be a string), which spectral itself would run. */
const brokenRuleset = () => ({ rules: { "numbered-description": { given: "$", description: 5, then: { function: () => [] } } } }) as never;

/** What spectral's validation says when building a parser with `ruleset`; empty when it builds. */
function refusals(build: () => unknown): string[] {
  try {
    build();
    return [];
  } catch (error) {
    return error instanceof AggregateError ? error.errors.map((each: Error) => each.message) : [String(error)];
  }
}

describe("generator - the parser's rulesets, trusted at run time and validated here", () => {
  test("spectral's ruleset validation module is where the swap looks for it", () => {
    expect(typeof spectralRulesetValidation()?.createValidator).toBe("function");
  });

  test("the rulesets evc builds the parser with pass spectral's own validation", () => {
    // Built as SpecParser builds it, with spectral validating: the parser's rulesets and ours.
    expect(refusals(() => new Parser({ ruleset: sharedStructureRules(), __unstable: { resolver: { cache: false } } }))).toEqual([]);
  });

  test("spectral's validation refuses a broken ruleset, so the test above can fail", () => {
    expect(refusals(() => new Parser({ ruleset: brokenRuleset() }))).toEqual([expect.stringContaining("must be string")]);
  });

  test("while a trusted parser is built the validation accepts every ruleset, and it is back afterwards", () => {
    expect(() => withTrustedRulesets(() => new Parser({ ruleset: brokenRuleset() as never }))).not.toThrow();
    expect(refusals(() => new Parser({ ruleset: brokenRuleset() }))).toEqual([expect.stringContaining("must be string")]);
  });

  test("the validation is back when building the parser throws", () => {
    const validation = spectralRulesetValidation();
    const before = validation?.createValidator;
    expect(() =>
      withTrustedRulesets(() => {
        throw new Error("build failed");
      }),
    ).toThrow("build failed");
    expect(validation?.createValidator).toBe(before);
  });

  test("a SpecParser built with the trusted rulesets still applies them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "evc-trusted-"));
    try {
      const path = join(dir, "spec.yaml");
      // A channel with a field AsyncAPI 3 does not have.
      writeFileSync(path, "asyncapi: 3.0.0\ninfo:\n  title: t\n  version: 1.0.0\nchannels:\n  c:\n    address: c\n    messages: {}\n    nope: 1\n");
      const sources = new SourceFiles(dir);
      const sink = new DiagnosticSink();
      const file = sources.load(path, sink);
      expect(file).toBeDefined();
      const document = await new SpecParser().parse(file!, [file!], sources, sink);
      expect(document).toBeUndefined();
      expect(sink.all().map((diagnostic) => diagnostic.code)).toContain("asyncapi-document-resolved");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
