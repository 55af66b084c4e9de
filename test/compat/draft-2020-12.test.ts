import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkCompatibility } from "@evc/cli/compat";
import { ajvOracle } from "../helpers/ajv-oracle.js";

/**
 * Differential check of the 2020-12 keywords: whenever the checker calls a change BACKWARD
 * compatible (strict), every value ajv's 2020-12 validator accepts under the old schema, it
 * accepts under the new one. Schemas differ from each other in one keyword; values are small
 * arrays and objects of a few scalars, kept when they fit the old schema.
 */
type Schema = Record<string, unknown>;

const accepts = ajvOracle(new Ajv2020({ strict: false }));

const dialect = "https://json-schema.org/draft/2020-12/schema";
const scalar = fc.constantFrom<unknown>("a", "bb", 1, 3, 2.5, true, null);
const leaf: fc.Arbitrary<unknown> = fc.constantFrom(
  {},
  { type: "string" },
  { type: "string", maxLength: 1 },
  { type: "integer" },
  { type: "integer", minimum: 2 },
  { type: "number" },
  { type: "boolean" },
  { type: ["string", "null"] },
);
const rest = fc.oneof(leaf, fc.constantFrom(true, false));
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** The keywords of an array schema, each one optional. */
const arrayKeywords = fc.record({
  prefixItems: optional(fc.array(leaf, { minLength: 1, maxLength: 3 })),
  items: optional(rest),
  unevaluatedItems: optional(rest),
  contains: optional(leaf),
  minContains: optional(fc.integer({ min: 0, max: 2 })),
  maxContains: optional(fc.integer({ min: 1, max: 3 })),
  minItems: optional(fc.integer({ min: 0, max: 2 })),
});

/** The keywords of an object schema, each one optional. */
const objectKeywords = fc.record({
  properties: optional(fc.dictionary(fc.constantFrom("a", "b"), leaf, { maxKeys: 2 })),
  required: optional(fc.subarray(["a", "b"])),
  unevaluatedProperties: optional(rest),
  additionalProperties: optional(rest),
  dependentRequired: optional(fc.constantFrom({ a: ["b"] }, { b: ["a"] }, { a: ["c"] })),
  dependentSchemas: optional(fc.constantFrom<unknown>({ a: { required: ["b"] } }, { a: { properties: { b: { type: "string" } } } }, { c: false })),
});

function schemaOf(type: "array" | "object", keywords: Record<string, unknown>): Schema {
  return Object.fromEntries(Object.entries({ $schema: dialect, type, ...keywords }).filter(([, value]) => value !== undefined));
}

/** Two schemas of one type that differ in one keyword. */
function pairOf(type: "array" | "object", keywords: fc.Arbitrary<Record<string, unknown>>) {
  return fc.tuple(keywords, keywords, fc.nat()).map(([old, other, pick]) => {
    const names = Object.keys(other);
    const name = names[pick % names.length] as string;
    return { old: schemaOf(type, old), next: schemaOf(type, { ...old, [name]: other[name] }) };
  });
}

const values: Record<"array" | "object", fc.Arbitrary<unknown>> = {
  array: fc.array(scalar, { maxLength: 4 }),
  object: fc.dictionary(fc.constantFrom("a", "b", "c"), scalar, { maxKeys: 3 }),
};

/** ajv 8's 2020-12 validator does not apply `contains` to an empty array beside `prefixItems` (it accepts `[]`), so the oracle is wrong there: leave those pairs out. */
function ajvJudgesRightly(schema: Schema): boolean {
  return !("prefixItems" in schema && "contains" in schema);
}

describe("compat - JSON Schema 2020-12", () => {
  for (const [type, keywords] of [
    ["array", arrayKeywords],
    ["object", objectKeywords],
  ] as const) {
    test(`${type}s: a change called BACKWARD compatible keeps every old value valid`, () => {
      let compatible = 0;
      fc.assert(
        fc.property(pairOf(type, keywords), fc.array(values[type], { minLength: 8, maxLength: 8 }), ({ old, next }, drawn) => {
          if (!ajvJudgesRightly(old) || !ajvJudgesRightly(next)) return;
          if (!checkCompatibility([old], next, { mode: "BACKWARD", policy: "strict" }).compatible) return;
          compatible++;
          const broken = drawn.filter((value) => accepts(old, value) && !accepts(next, value));
          expect(broken).toEqual([]);
        }),
        { numRuns: 1500 },
      );
      expect(compatible).toBeGreaterThan(100);
    });
  }
});

describe("compat - keywords beside a $ref", () => {
  const withA = (a: Schema): Schema => ({ $schema: dialect, type: "object", properties: { a }, $defs: { X: { type: "string", maxLength: 5 } } });
  const cases: [string, Schema, unknown][] = [
    ["minLength beside the $ref", { $ref: "#/$defs/X", minLength: 3 }, { a: "x" }],
    ["maxLength beside the $ref, which the target has too", { $ref: "#/$defs/X", maxLength: 2 }, { a: "xyz" }],
    ["a type beside a $ref to an empty schema", { $ref: "#/$defs/Any", type: "string" }, { a: 1 }],
  ];
  for (const [what, narrowed, lost] of cases) {
    test(`${what} narrows what the schema takes, as ajv agrees: not BACKWARD compatible`, () => {
      const old = { ...withA({ $ref: String(narrowed["$ref"]) }), $defs: { X: { type: "string", maxLength: 5 }, Any: {} } };
      const next = { ...withA(narrowed), $defs: old.$defs };
      expect([accepts(old, lost), accepts(next, lost)]).toEqual([true, false]);
      const result = checkCompatibility([old], next, { mode: "BACKWARD", policy: "strict" });
      expect(result.compatible).toBe(false);
    });
  }

  test("an annotation beside a $ref changes nothing that validates", () => {
    const old = withA({ $ref: "#/$defs/X" });
    expect(checkCompatibility([old], withA({ $ref: "#/$defs/X", description: "the name" }), { mode: "FULL", policy: "strict" }).compatible).toBe(true);
  });
});

