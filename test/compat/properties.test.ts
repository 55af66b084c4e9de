import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkCompatibility, compatibilityModes } from "@evc/cli/compat";
import { ajvOracle } from "../helpers/ajv-oracle.js";
import { editedArbitrary, schemaArbitrary, unsatisfiable, valueArbitrary, type Schema } from "../helpers/schema-arbitraries.js";

const ajv = new Ajv({ strict: false, allErrors: false });
addFormats.default(ajv);
const accepts: (schema: Schema, value: unknown) => boolean = ajvOracle(ajv);

/** A schema, an edit of it, and values of each (drawn to fit, and checked with ajv). */
const pairs = schemaArbitrary().chain((old) =>
  editedArbitrary(old).chain((next) =>
    fc.record({
      old: fc.constant(old),
      next: fc.constant(next),
      oldValues: fc.array(valueArbitrary(old), { minLength: 1, maxLength: 4 }),
      newValues: fc.array(valueArbitrary(next), { minLength: 1, maxLength: 4 }),
    }),
  ),
);

/** Keep the values that really fit their schema (the arbitraries aim for it; ajv decides). */
function fitting(schema: Schema, values: readonly unknown[]): unknown[] {
  return values.filter((value) => value !== unsatisfiable && accepts(schema, value));
}

describe("compat - properties", () => {
  test("every schema is compatible with itself in every mode and both policies", () => {
    fc.assert(
      fc.property(schemaArbitrary(), (schema) => {
        for (const mode of compatibilityModes) {
          for (const policy of ["strict", "lenient"] as const) {
            expect(checkCompatibility([schema, structuredClone(schema)], structuredClone(schema), { mode, policy }).findings).toEqual([]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test("the value arbitrary draws values ajv accepts", () => {
    fc.assert(
      fc.property(schemaArbitrary(), fc.context(), (schema, context) => {
        const values = fc.sample(valueArbitrary(schema), { numRuns: 3, seed: 1 }).filter((value) => value !== unsatisfiable);
        const rejected = values.filter((value) => !accepts(schema, value));
        context.log(JSON.stringify({ schema, rejected }));
        expect(rejected).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  test.each([
    ["BACKWARD", "old", "new"],
    ["FORWARD", "new", "old"],
  ] as const)("when the new schema is %s compatible, values of the %s one fit the %s one", (mode, writer, reader) => {
    let compatible = 0;
    fc.assert(
      fc.property(pairs, ({ old, next, oldValues, newValues }) => {
        const [written, read] = writer === "old" && reader === "new" ? [old, next] : [next, old];
        const values = fitting(written, writer === "old" ? oldValues : newValues);
        fc.pre(values.length > 0);
        if (!checkCompatibility([old], next, { mode }).compatible) return;
        compatible++;
        expect(values.filter((value) => !accepts(read, value))).toEqual([]);
      }),
      { numRuns: 600 },
    );
    expect(compatible).toBeGreaterThan(50);
  });

  test("a finding's rule names the change from old to new: swapping the schemas swaps BACKWARD and FORWARD", () => {
    fc.assert(
      fc.property(pairs, ({ old, next }) => {
        const backward = checkCompatibility([old], next, { mode: "BACKWARD" }).compatible;
        const forward = checkCompatibility([next], old, { mode: "FORWARD" }).compatible;
        expect(forward).toBe(backward);
      }),
      { numRuns: 300 },
    );
  });
});
