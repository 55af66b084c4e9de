import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { checkCompatibility } from "@evc/cli/compat";
import { loadContracts } from "@evc/cli";
import type { EventModel } from "@evc/cli";
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
  test("the checker runs on every pair of event versions of asyncapi/, and each is compatible with itself", async () => {
    const { model } = await loadContracts({ specs: "asyncapi", cwd: resolve(import.meta.dirname, "../.."), allowRemoteRefs: false });
    expect(checkAllPairs(model.events)).toBe(2 * model.events.length ** 2);
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
