/** Differences between string, number and enum schemas: bounds, patterns, formats, multipleOf, integer, allowed values. */
import { isDeepStrictEqual } from "node:util";
import { boundDifference, difference, valueDifference, type Difference } from "./difference.js";
import type { EnumNode, NumberNode, StringNode } from "./schema-node.js";

/** Differences between two string schemas. */
export function compareStrings(original: StringNode, update: StringNode): Difference[] {
  return [
    ...boundDifference("maxLength", "MAX_LENGTH", original.maxLength, update.maxLength),
    ...boundDifference("minLength", "MIN_LENGTH", original.minLength, update.minLength),
    ...valueDifference("pattern", "PATTERN", original.pattern, update.pattern),
    ...valueDifference("format", "FORMAT", original.format, update.format),
  ];
}

/** Differences between two number (or integer) schemas. */
export function compareNumbers(original: NumberNode, update: NumberNode): Difference[] {
  const found = [
    ...boundDifference("maximum", "MAXIMUM", original.maximum, update.maximum),
    ...boundDifference("minimum", "MINIMUM", original.minimum, update.minimum),
    ...boundDifference("exclusiveMaximum", "EXCLUSIVE_MAXIMUM", original.exclusiveMaximum, update.exclusiveMaximum),
    ...boundDifference("exclusiveMinimum", "EXCLUSIVE_MINIMUM", original.exclusiveMinimum, update.exclusiveMinimum),
    ...multipleOfDifference(original.multipleOf, update.multipleOf),
    ...valueDifference("format", "FORMAT", original.format, update.format),
  ];
  if (original.integer !== update.integer) {
    const types = { before: original.integer ? "integer" : "number", after: update.integer ? "integer" : "number" };
    found.push(difference(original.integer ? "TYPE_EXTENDED" : "TYPE_NARROWED", [], types));
  }
  return found;
}

/** Differences between two sets of allowed values (`enum` or `const`). */
export function compareEnums(original: EnumNode, update: EnumNode): Difference[] {
  const includes = (values: EnumNode["values"], value: unknown) => values.some((known) => isDeepStrictEqual(known, value));
  const added = update.values.some((value) => !includes(original.values, value));
  const removed = original.values.some((value) => !includes(update.values, value));
  if (!added && !removed) return [];
  const rule = !removed ? "ENUM_ARRAY_EXTENDED" : !added ? "ENUM_ARRAY_NARROWED" : "ENUM_ARRAY_CHANGED";
  return [difference(rule, [original.keyword], { before: valuesOf(original), after: valuesOf(update) })];
}

function valuesOf(node: EnumNode): EnumNode["values"][number] {
  return node.keyword === "const" ? (node.values[0] ?? null) : [...node.values];
}

function multipleOfDifference(before: number | undefined, after: number | undefined): Difference[] {
  if (before === after) return [];
  const rule =
    before === undefined
      ? "MULTIPLE_OF_ADDED"
      : after === undefined
        ? "MULTIPLE_OF_REMOVED"
        : isMultiple(after, before)
          ? "MULTIPLE_OF_EXPANDED"
          : isMultiple(before, after)
            ? "MULTIPLE_OF_REDUCED"
            : "MULTIPLE_OF_CHANGED";
  return [difference(rule, ["multipleOf"], { before, after })];
}

/**
 * True when `value` is an integer multiple of `divisor`: exactly for integers, and for fractions
 * within a small absolute tolerance of a whole quotient (0.3 of 0.1, which binary fractions miss).
 * The tolerance is not relative to the quotient: 5000000004 is no multiple of 10, however close
 * 500000000.4 is to a whole number in relative terms. A multiple missed this way reads as changed, never as compatible.
 */
function isMultiple(value: number, divisor: number): boolean {
  if (divisor === 0) return false;
  if (Number.isSafeInteger(value) && Number.isSafeInteger(divisor)) return value % divisor === 0;
  const quotient = value / divisor;
  return Math.abs(quotient - Math.round(quotient)) <= 1e-9;
}
