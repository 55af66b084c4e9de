import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { checkCompatibility } from "@evc/cli/compat";
import { type EventModel, loadContracts } from "@evc/cli";
import { corpus, corpusEntries, parserAccepts } from "../helpers/corpus.js";

/** Check every ordered pair of the events in both directions and policies; returns how many checks ran. */
function checkAllPairs(events: readonly EventModel[]): number {
  let checks = 0;
  for (const old of events) {
    for (const next of events) {
      for (const policy of ["strict", "lenient"] as const) {
        const report = checkCompatibility([old.schema], next.schema, { mode: "FULL", policy });
        checks++;
        if (old === next) expect(report.findings, `${old.specFile}: ${old.type} v${old.version} against itself`).toEqual([]);
      }
    }
  }
  return checks;
}

describe("compat - real schemas", () => {
  // Pairs within each document, as for the public ones below: with Integr8sCode's 69 versions the
  // pairs across documents came to 25,000 checks (53 s on a loaded machine) and tried no rule the
  // pairs within a document do not; within documents they are 10,500.
  test("the checker runs on every pair of event versions of each document of asyncapi/, and each is compatible with itself", async () => {
    const { model } = await loadContracts({ specs: "asyncapi", cwd: resolve(import.meta.dirname, "../.."), allowRemoteRefs: false });
    const documents = new Map<string, EventModel[]>();
    for (const event of model.events) documents.set(event.specFile, [...(documents.get(event.specFile) ?? []), event]);
    expect(documents.size).toBe(5);
    const checks = [...documents.values()].reduce((sum, events) => sum + checkAllPairs(events), 0);
    expect(checks).toBe([...documents.values()].reduce((sum, events) => sum + 2 * events.length ** 2, 0));
  }, 120_000);

  test(
    "the checker runs on every pair of messages of each public document the parser accepts",
    async () => {
      const entries = corpusEntries();
      expect(entries.length).toBe(37);
      let documents = 0;
      let checks = 0;
      for (const { entry } of entries) {
        if (!(await parserAccepts(entry))) continue;
        const { model } = await loadContracts({ specs: entry, cwd: corpus, allowRemoteRefs: true });
        documents++;
        checks += checkAllPairs(model.events);
      }
      expect(documents).toBeGreaterThanOrEqual(35);
      expect(checks).toBeGreaterThan(1000);
    },
    120_000,
  );
});
