import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { Parser, type Diagnostic } from "@asyncapi/parser";
import { sharedStructureRules } from "../../generator/structure-rules.js";
import { corpusEntries } from "../helpers/corpus.js";
import { lightsSpec as lights } from "../helpers/lights-spec.js";

/** Documents of several AsyncAPI versions, valid and not, read one after another. */
function documents(): { name: string; text: string; source?: string }[] {
  const picked = ["spec-v20-streetlights", "spec-v26-streetlights-mqtt", "spec-v30-streetlights-kafka", "spec-v31-simple", "parserjs-circular-refs"];
  return [
    { name: "valid", text: lights },
    { name: "no title (resolved structure)", text: lights.replace("  title: Lights\n", "") },
    { name: "unknown field", text: lights.replace("      name: light.measured\n", "      name: light.measured\n      colour: red\n") },
    { name: "info as a $ref (unresolved structure)", text: lights.replace("info:\n  title: Lights\n  version: 1.0.0\n", "info:\n  $ref: '#/components/x-info'\n") },
    ...corpusEntries()
      .filter((entry) => picked.includes(entry.name))
      .map((entry) => ({ name: entry.name, text: readFileSync(entry.entry, "utf8"), source: entry.entry })),
    { name: "no title, after the others", text: lights.replace("  title: Lights\n", "") },
  ];
}

function comparable(diagnostics: readonly Diagnostic[]) {
  return diagnostics.map(({ code, message, path, range, severity, source }) => ({ code, message, path, range, severity, source }));
}

describe("generator - one meta-schema for every document", () => {
  test(
    "a parser with the shared structure rules reports what a fresh parser per document reports, for every document in turn",
    async () => {
      const shared = new Parser({ ruleset: sharedStructureRules() });
      const list = documents();
      expect(list.length).toBe(10);
      let structural = 0;
      for (const document of list) {
        const options = document.source === undefined ? {} : { source: document.source };
        const alone = await new Parser().parse(document.text, options);
        const together = await shared.parse(document.text, options);
        expect(comparable(together.diagnostics), document.name).toEqual(comparable(alone.diagnostics));
        expect(together.document === undefined, document.name).toBe(alone.document === undefined);
        structural += alone.diagnostics.filter((diagnostic) => String(diagnostic.code).startsWith("asyncapi-document-")).length;
      }
      expect(structural).toBeGreaterThanOrEqual(4);
    },
    120_000,
  );
});
