/**
 * What the compiler says of a `create` call that is wrong: it must point at the field, not at an
 * overload the call was never meant for (the README promises "a wrong or missing field does not
 * compile", and the message should say which).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { typecheck } from "../helpers/typecheck.js";

// Inside the repository (so that `@evc/seeds` resolves), in a folder git and the project's tsconfig leave out.
mkdirSync(join(import.meta.dirname, "../../.scratch"), { recursive: true });
const dir = mkdtempSync(join(import.meta.dirname, "../../.scratch/create-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The `data` of each probe module's `create` call, by module name. */
const probes: Readonly<Record<string, string>> = {
  misspelled: '{ tableId: "t", recordId: "r", fields: {}, createdBy: "u", createdBz: "u" }',
  missing: '{ tableId: "t", recordId: "r", fields: {} }',
  correct: '{ tableId: "t", recordId: "r", fields: {}, createdBy: "u" }',
};

/** The compiler's messages of every probe module, checked as one program. */
const problems = (() => {
  const files = Object.entries(probes).map(([name, data]) => {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, `import { createMemoryBus } from "@evc/runtime/memory";\nimport { RecordCreated, registry } from "@evc/seeds";\n\nconst bus = createMemoryBus({ registry, service: "probe" });\nexport const event = bus.create(RecordCreated, { aggregateId: "t", data: ${data} });\n`);
    return file;
  });
  return typecheck(files);
})();

/** The messages about one probe module. */
const problemsOf = (name: string) => problems.filter((problem) => problem.startsWith(join(dir, `${name}.ts`)));

describe("types - a create call with a wrong field", () => {
  test("a misspelled field is reported by its name at the field", () => {
    const found = problemsOf("misspelled");
    expect(found).toHaveLength(1);
    // The compiler shows the last signature's error first (tsc: "The last overload gave the following error").
    const last = (found[0] ?? "").split(/Overload \d+ of \d+/).at(-1);
    expect(last).toContain("'createdBz' does not exist in type 'RecordCreatedV2Data'. Did you mean to write 'createdBy'?");
    expect(found[0]).toMatch(/misspelled\.ts:5:\d+: /);
  });

  test("a missing field is reported by its name", () => {
    const found = problemsOf("missing");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/Property 'createdBy' is missing/);
  });

  test("a correct call compiles, and nothing else is reported", () => {
    expect(problemsOf("correct")).toEqual([]);
    expect(problems).toHaveLength(2);
  });
});
