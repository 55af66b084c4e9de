/** `patternsOverlap`, which refuses a second consumer of a workqueue stream on the in-memory bus: true exactly when some subject matches both patterns. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { matchesPattern, patternsOverlap } from "../subject.js";

const token = fc.constantFrom("a", "b", "c");
const subject = fc.array(token, { minLength: 1, maxLength: 4 }).map((tokens) => tokens.join("."));
const pattern = fc
  .tuple(fc.array(fc.oneof(token, fc.constant("*")), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([tokens, tail]) => (tail ? [...tokens.slice(0, -1), ">"] : tokens).join("."));
/** Every subject of one to five tokens of the alphabet: a witness of an overlap is among them. */
const everySubject = [1, 2, 3, 4, 5].flatMap((length) => {
  let subjects = [""];
  for (let index = 0; index < length; index++) subjects = subjects.flatMap((prefix) => ["a", "b", "c"].map((next) => (prefix === "" ? next : `${prefix}.${next}`)));
  return subjects;
});

describe("patternsOverlap", () => {
  test.each([
    ["a.>", "a.b", true],
    ["a.>", "a", false],
    ["a.*", "*.b", true],
    ["a.*", "b.*", false],
    ["a.*.c", "a.b", false],
    [">", "a.b.c", true],
    ["a.b", "a.b", true],
  ])("%s and %s: %s", (left, right, overlaps) => {
    expect(patternsOverlap(left, right)).toBe(overlaps);
    expect(patternsOverlap(right, left)).toBe(overlaps);
  });

  test("two patterns overlap exactly when some subject matches both (property)", () => {
    fc.assert(
      fc.property(pattern, pattern, subject, (left, right, probe) => {
        if (matchesPattern(probe, left) && matchesPattern(probe, right)) expect(patternsOverlap(left, right)).toBe(true);
        const witness = everySubject.some((candidate) => matchesPattern(candidate, left) && matchesPattern(candidate, right));
        expect(patternsOverlap(left, right)).toBe(witness);
      }),
    );
  });
});
