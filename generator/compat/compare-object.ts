/**
 * Differences between two object schemas, after Confluent's `ObjectSchemaDiff`: required
 * properties, properties added to or removed from open, closed and partially open content models,
 * pattern properties, dependencies, additionalProperties and the property counts.
 */
import { isDeepStrictEqual } from "node:util";
import { boundDifference, difference, restDifference, under, type DiffContext, type Difference } from "./difference.js";
import type { RuleId } from "./rules.js";
import type { Child, ObjectNode, SchemaNode } from "./schema-node.js";

const anyValue: SchemaNode = { kind: "empty" };
const requiredByReader = "the {reader} schema requires it";
const requiredByWriter = "the {writer} schema requires it";

/** Differences between two object schemas. */
export function compareObjects(context: DiffContext, original: ObjectNode, update: ObjectNode): Difference[] {
  return [
    ...compareRequired(original, update),
    ...compareProperties(context, original, update),
    ...comparePatternProperties(context, original, update),
    ...compareDependencies(context, original, update),
    ...restDifference(context, "ADDITIONAL_PROPERTIES", update.additional === undefined ? original.additionalKeyword : update.additionalKeyword, original.additional?.node(), update.additional?.node()),
    ...boundDifference("maxProperties", "MAX_PROPERTIES", original.maxProperties, update.maxProperties),
    ...boundDifference("minProperties", "MIN_PROPERTIES", original.minProperties, update.minProperties),
  ];
}

/**
 * An object whose every undeclared property may hold anything: no `additionalProperties` (or
 * `true`, `{}`) and no `patternProperties`.
 */
function isOpen(node: ObjectNode): boolean {
  return node.patterns.size === 0 && (node.additional === undefined || node.additional.node().kind === "empty");
}

/**
 * The schema an undeclared property of this name must match in a partially open content model:
 * the first pattern property that matches it, else `additionalProperties`; undefined when closed.
 */
function restFor(node: ObjectNode, name: string): SchemaNode | undefined {
  for (const [pattern, schema] of node.patterns) if (matches(pattern, name)) return schema.node();
  if (node.additional === undefined) return anyValue;
  const rest = node.additional.node();
  return rest.kind === "false" ? undefined : rest;
}

function compareRequired(original: ObjectNode, update: ObjectNode): Difference[] {
  const found: Difference[] = [];
  for (const name of update.required) {
    // A property added with `required` is judged with the content model below.
    if (original.required.has(name) || (update.properties.has(name) && !original.properties.has(name))) continue;
    const withDefault = update.properties.get(name)?.node().meta?.hasDefault === true;
    found.push(difference(withDefault ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" : "REQUIRED_ATTRIBUTE_ADDED", ["required", name]));
  }
  for (const name of original.required) {
    if (update.required.has(name) || (original.properties.has(name) && !update.properties.has(name))) continue;
    found.push(difference("REQUIRED_ATTRIBUTE_REMOVED", ["required", name]));
  }
  return found;
}

function compareProperties(context: DiffContext, original: ObjectNode, update: ObjectNode): Difference[] {
  const found: Difference[] = [];
  for (const [name, before] of original.properties) {
    const after = update.properties.get(name);
    const path = ["properties", name];
    if (after === undefined) found.push(...propertyRemoved(context, original, update, name, before, path));
    else found.push(...under(path, context.compare(before.node(), after.node())));
  }
  for (const [name, after] of update.properties) {
    if (!original.properties.has(name)) found.push(...propertyAdded(context, original, update, name, after, ["properties", name]));
  }
  return found;
}

function propertyRemoved(context: DiffContext, original: ObjectNode, update: ObjectNode, name: string, before: Child, path: string[]): Difference[] {
  if (isOpen(update)) return [difference("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", path)];
  const rest = restFor(update, name);
  if (rest !== undefined) {
    const covered = context.compare(before.node(), rest);
    const rule = context.compatible(covered) ? "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL";
    return [...under(path, covered), difference(rule, path)];
  }
  if (before.node().kind === "false") return [difference("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", path)];
  const required = original.required.has(name);
  return [
    difference("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", path, {
      mirror: required ? requiredAddedToUnopen(before) : "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
      detail: required ? requiredByWriter : undefined,
    }),
  ];
}

function propertyAdded(context: DiffContext, original: ObjectNode, update: ObjectNode, name: string, after: Child, path: string[]): Difference[] {
  const required = update.required.has(name);
  const withDefault = after.node().meta?.hasDefault === true;
  if (isOpen(original)) {
    const rule: RuleId =
      // An empty schema accepts whatever value the property had, but not its absence: a required one breaks as any other.
      after.node().kind === "empty" && !required
        ? "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
        : !required
          ? "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
          : withDefault
            ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
            : "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL";
    return [difference(rule, path, { detail: required ? requiredByReader : undefined })];
  }
  const found: Difference[] = [];
  const rest = restFor(original, name);
  let coverage: RuleId | undefined;
  if (rest !== undefined) {
    const covered = context.compare(rest, after.node());
    coverage = context.compatible(covered) ? "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" : "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL";
    found.push(...under(path, covered), difference(coverage, path));
  }
  if (!required) return [...found, difference("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", path)];
  const rule = withDefault ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL" : "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL";
  const removal: RuleId | undefined =
    coverage === undefined
      ? undefined
      : coverage === "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
        ? "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
        : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL";
  return [...found, difference(rule, path, { mirror: removal, detail: requiredByReader })];
}

function requiredAddedToUnopen(schema: Child): RuleId {
  return schema.node().meta?.hasDefault === true ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL" : "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL";
}

/**
 * Pattern properties, which Confluent does not compare: a pattern added constrains the properties
 * it matches (harmless only in a closed model none of whose properties it matches), a pattern
 * removed frees them (harmless only when the rest of the model is open).
 */
function comparePatternProperties(context: DiffContext, original: ObjectNode, update: ObjectNode): Difference[] {
  const found: Difference[] = [];
  for (const [pattern, before] of original.patterns) {
    const after = update.patterns.get(pattern);
    const path = ["patternProperties", pattern];
    if (after !== undefined) found.push(...under(path, context.compare(before.node(), after.node())));
    else found.push(difference(isOpen(update) ? "PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL" : "PATTERN_PROPERTY_REMOVED", path, { before: pattern }));
  }
  for (const [pattern, schema] of update.patterns) {
    if (original.patterns.has(pattern)) continue;
    // A declared property the new pattern also matches is sent by writers whatever either policy assumes of undeclared ones.
    for (const [name, property] of original.properties) {
      if (!matches(pattern, name)) continue;
      const narrowed = context.compare(property.node(), schema.node());
      if (!context.compatible(narrowed)) found.push(...under(["properties", name], narrowed), difference("PATTERN_PROPERTY_ADDED_OVER_PROPERTY", ["patternProperties", pattern], { after: pattern }));
    }
    const closed =
      original.patterns.size === 0 &&
      original.additional?.node().kind === "false" &&
      ![...update.properties.keys()].some((name) => matches(pattern, name));
    found.push(difference(closed ? "PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL" : "PATTERN_PROPERTY_ADDED", ["patternProperties", pattern], { after: pattern }));
  }
  return found;
}

function compareDependencies(context: DiffContext, original: ObjectNode, update: ObjectNode): Difference[] {
  const found: Difference[] = [];
  const arrays = new Set([...original.dependencyArrays.keys(), ...update.dependencyArrays.keys()]);
  for (const name of arrays) {
    const before = original.dependencyArrays.get(name);
    const after = update.dependencyArrays.get(name);
    const path = [(after ?? before)?.keyword ?? "dependencies", name];
    if (after === undefined) found.push(difference("DEPENDENCY_ARRAY_REMOVED", path, { before: [...(before?.value ?? [])] }));
    else if (before === undefined) found.push(difference("DEPENDENCY_ARRAY_ADDED", path, { after: [...after.value] }));
    else if (!isDeepStrictEqual(new Set(before.value), new Set(after.value))) {
      const rule = before.value.every((item) => after.value.includes(item))
        ? "DEPENDENCY_ARRAY_EXTENDED"
        : after.value.every((item) => before.value.includes(item))
          ? "DEPENDENCY_ARRAY_NARROWED"
          : "DEPENDENCY_ARRAY_CHANGED";
      found.push(difference(rule, path, { before: [...before.value], after: [...after.value] }));
    }
  }
  const schemas = new Set([...original.dependencySchemas.keys(), ...update.dependencySchemas.keys()]);
  for (const name of schemas) {
    const before = original.dependencySchemas.get(name);
    const after = update.dependencySchemas.get(name);
    const path = [(after ?? before)?.keyword ?? "dependencies", name];
    if (after === undefined) found.push(difference("DEPENDENCY_SCHEMA_REMOVED", path));
    else if (before === undefined) found.push(difference("DEPENDENCY_SCHEMA_ADDED", path));
    else found.push(...under(path, context.compare(before.value.node(), after.value.node())));
  }
  return found;
}

const regexCache = new Map<string, RegExp | null>();

/** Whether a property name matches a `patternProperties` pattern (an invalid pattern matches nothing). */
export function matches(pattern: string, name: string): boolean {
  let regex = regexCache.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(pattern, "u");
    } catch {
      regex = null;
    }
    regexCache.set(pattern, regex);
  }
  return regex !== null && regex.test(name);
}
