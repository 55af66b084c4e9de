import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { Parser, type Diagnostic } from "@asyncapi/parser";
import { metaSchemaValidatorName, precompiledAsyncApiVersions } from "../../generator/meta-schema-validators.js";
import { sharedStructureRules } from "../../generator/structure-rules.js";
import { corpusEntries } from "../helpers/corpus.js";

const invalidFixtures = resolve(import.meta.dirname, "../fixtures/asyncapi/invalid-structure");

interface Document {
  readonly name: string;
  readonly file: string;
  /** One of ours, written to break the meta-schema. */
  readonly invalid: boolean;
}

/** The corpus's documents (AsyncAPI 2.0 to 3.1, some broken) and our invalid fixtures, in that order. */
function documents(): Document[] {
  const corpus = corpusEntries().map(({ name, entry }) => ({ name, file: entry, invalid: false }));
  const invalid = readdirSync(invalidFixtures)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => ({ name: `invalid-structure/${file}`, file: join(invalidFixtures, file), invalid: true }));
  return [...corpus, ...invalid];
}

function comparable(diagnostics: readonly Diagnostic[]) {
  return diagnostics.map(({ code, message, path, range, severity, source }) => ({ code, message, path, range, severity, source }));
}

function structural(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((diagnostic) => String(diagnostic.code).startsWith("asyncapi-document-"));
}

describe("generator - the AsyncAPI meta-schema, precompiled", () => {
  // One parser with our rules reads every document in turn, as `evc` does; the parser's own rules compile the meta-schema per document.
  const ours = new Parser({ ruleset: sharedStructureRules() });
  const theirs = new Parser();
  const list = documents();
  const invalidMessages: string[] = [];

  test("the documents: the whole corpus and our invalid fixtures", () => {
    expect(list.filter((document) => !document.invalid)).toHaveLength(37);
    expect(list.filter((document) => document.invalid).length).toBeGreaterThanOrEqual(8);
  });

  test.each(list)(
    "$name: a parser with our structure rules reports what one with the parser's own rules reports",
    async ({ file, invalid }) => {
      const text = readFileSync(file, "utf8");
      const expected = await theirs.parse(text, { source: file });
      const actual = await ours.parse(text, { source: file });
      expect(comparable(actual.diagnostics)).toEqual(comparable(expected.diagnostics));
      expect(actual.document === undefined).toBe(expected.document === undefined);
      if (invalid) {
        expect(structural(expected.diagnostics).length).toBeGreaterThan(0);
        invalidMessages.push(...structural(expected.diagnostics).map((diagnostic) => diagnostic.message));
      }
    },
    120_000,
  );

  // Spectral's "None of the schemas matched" never shows here: the parser drops a failed oneOf after the errors of its
  // schemas, which are at or below its value (all but a missing $ref), and keeps only misplaced $refs of unresolved documents.
  test("the invalid fixtures reach every rewording of the meta-schema's errors", () => {
    const reached = (pattern: RegExp) => invalidMessages.some((message) => pattern.test(message));
    expect(reached(/must have required property/)).toBe(true);
    expect(reached(/type must be/)).toBe(true);
    expect(reached(/^Referencing in this place is not allowed$/)).toBe(true);
    expect(reached(/^Property "\w+" is not expected to be here$/)).toBe(true);
    expect(reached(/^Item at index \d+ /)).toBe(true);
    expect(reached(/must be equal to one of the allowed values: .*\. Did you mean "\w+"\?$/)).toBe(true);
  });

  test("the precompiled validators, not a meta-schema compiled at run time, checked the documents of their versions", () => {
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    for (const version of precompiledAsyncApiVersions) {
      for (const resolved of [true, false]) {
        const name = metaSchemaValidatorName(version, resolved);
        expect(loaded.some((file) => file.endsWith(`${name}.cjs`)), name).toBe(true);
      }
    }
  });
});
