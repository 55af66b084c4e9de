import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkCompatibility, compatibilityModes, diffSchemas } from "@evc/cli/compat";
import { editedArbitrary, schemaArbitrary } from "../helpers/schema-arbitraries.js";
import { walkedAfresh } from "../helpers/walked-afresh.js";

/**
 * The checker keeps the differences of `$ref`-free subschemas across checks, by how both are
 * written: these tests check pairs after others that share parts with them, and fail if a kept
 * comparison is served where a fresh walk would answer otherwise.
 */

type Schema = Record<string, unknown>;

const object = (properties: Schema, extra: Schema = {}): Schema => ({ type: "object", properties, ...extra });
const rules = (report: ReturnType<typeof checkCompatibility>) => report.findings.map((finding) => `${finding.rule} ${finding.path}`);

describe("compat - comparisons reused across checks", () => {
  test("a $ref is read in its own document: the same $ref text may name different schemas", () => {
    // `a` is written the same in both documents; the schema its `$ref` names is not.
    const referring = (type: string) => object({ a: object({ x: { $ref: "#/definitions/n" } }) }, { definitions: { n: { type } } });
    expect(rules(checkCompatibility([referring("string")], referring("string")))).toEqual([]);
    expect(rules(checkCompatibility([referring("string")], referring("integer")))).toEqual(["TYPE_CHANGED #/properties/a/properties/x"]);
  });

  test("values the checker tells apart are never taken for one another: 1 and \"1\", 0 and -0, an order of keys", () => {
    expect(checkCompatibility([{ const: 1 }], { const: 1 }).compatible).toBe(true);
    expect(rules(checkCompatibility([{ const: 1 }], { const: "1" }))).toEqual(["ENUM_ARRAY_CHANGED #/const"]);
    // Values are compared as `isDeepStrictEqual` compares them, which tells 0 from -0; JSON text does not.
    expect(checkCompatibility([{ enum: [0] }], { enum: [0] }).compatible).toBe(true);
    expect(rules(checkCompatibility([{ enum: [0] }], { enum: [-0] }))).toEqual(["ENUM_ARRAY_CHANGED #/enum"]);
    // Differences come in the order of the properties, as a fresh walk lists them.
    const closed = (properties: Schema) => object(properties, { additionalProperties: false });
    const removed = ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/a", "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b"];
    expect(diffSchemas(closed({ a: { type: "string" }, b: { type: "string" } }), closed({}))).toEqual(removed);
    expect(diffSchemas(closed({ b: { type: "string" }, a: { type: "string" } }), closed({}))).toEqual([...removed].reverse());
  });

  test.each([
    ["strict", "lenient"],
    ["lenient", "strict"],
  ] as const)("what is kept under the %s policy is not served under the %s one", (first, second) => {
    // Only the lenient policy lets the open object fit the closed alternative, so the policy decides the walk inside.
    const open = object({ a: { type: "string" } }, { title: first });
    const old = object({ field: open });
    const next = object({ field: { anyOf: [object({ a: { type: "string" } }, { additionalProperties: false, title: first }), { type: "string" }] } });
    const compatible = { strict: false, lenient: true };
    for (const policy of [first, second, first]) expect(checkCompatibility([old], next, { policy }).compatible).toBe(compatible[policy]);
  });

  test("the same subschema at several places, and the same object at two places, is reported at each place", () => {
    const text = { type: "string" };
    const number = { type: "integer" };
    expect(rules(checkCompatibility([object({ a: text, b: text })], object({ a: number, b: number })))).toEqual([
      "TYPE_CHANGED #/properties/a",
      "TYPE_CHANGED #/properties/b",
    ]);
    expect(rules(checkCompatibility([object({ data: object({ a: text }) })], object({ data: object({ a: number }) })))).toEqual(["TYPE_CHANGED #/properties/data/properties/a"]);
  });

  test("a schema without reuse (a $ref in every schema object) gets the same differences and reports", () => {
    const pairs = schemaArbitrary().chain((old) => editedArbitrary(old).map((next) => ({ old, next })));
    fc.assert(
      fc.property(pairs, fc.constantFrom(...compatibilityModes), ({ old, next }, mode) => {
        for (const policy of ["strict", "lenient"] as const) {
          expect(diffSchemas(walkedAfresh(old), walkedAfresh(next), policy)).toEqual(diffSchemas(old, next, policy));
          expect(checkCompatibility([walkedAfresh(next)], walkedAfresh(old), { mode, policy })).toEqual(checkCompatibility([next], old, { mode, policy }));
        }
      }),
      { numRuns: 500 },
    );
  });
});
