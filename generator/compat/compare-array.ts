/**
 * Differences between two array schemas, after Confluent's `ArraySchemaDiff`: the items schema,
 * tuple items added to or removed from open, closed and partially open content models,
 * additionalItems, and the item counts and uniqueness.
 */
import { boundDifference, difference, restDifference, under, type DiffContext, type Difference } from "./difference.js";
import type { RuleId } from "./rules.js";
import type { ArrayNode, Child, SchemaNode } from "./schema-node.js";

const anyValue: SchemaNode = { kind: "empty" };

/** Differences between two array schemas. */
export function compareArrays(context: DiffContext, original: ArrayNode, update: ArrayNode): Difference[] {
  const restKeyword = update.additionalItems === undefined ? original.additionalKeyword : update.additionalKeyword;
  const found = [
    ...compareItems(context, original, update),
    ...compareTuples(context, original, update),
    ...restDifference(context, "ADDITIONAL_ITEMS", restKeyword, original.additionalItems?.node(), update.additionalItems?.node()),
    ...compareContains(context, original, update),
  ];
  found.push(...boundDifference("maxItems", "MAX_ITEMS", original.maxItems, update.maxItems));
  found.push(...boundDifference("minItems", "MIN_ITEMS", original.minItems, update.minItems));
  if (original.uniqueItems !== update.uniqueItems) found.push(difference(update.uniqueItems ? "UNIQUE_ITEMS_ADDED" : "UNIQUE_ITEMS_REMOVED", ["uniqueItems"]));
  return found;
}

/**
 * `contains` with `minContains` and `maxContains`: an array must hold at least `minContains` (1 by
 * default) and at most `maxContains` items matching `contains`. A wider `contains` lets more items
 * count towards the minimum (fine) and towards the maximum (a break, when the reader has one).
 */
function compareContains(context: DiffContext, original: ArrayNode, update: ArrayNode): Difference[] {
  if (original.contains === undefined && update.contains === undefined) return [];
  if (update.contains === undefined) return [difference("CONTAINS_REMOVED", ["contains"])];
  if (original.contains === undefined) return [difference("CONTAINS_ADDED", ["contains"])];
  const before = original.contains.node();
  const after = update.contains.node();
  const found = under(["contains"], context.compare(before, after));
  if (update.maxContains !== undefined && !context.compatible(context.compare(after, before))) found.push(difference("CONTAINS_WIDENED_UNDER_MAX_CONTAINS", ["contains"]));
  found.push(...boundDifference("minContains", "MIN_CONTAINS", original.minContains, update.minContains));
  found.push(...boundDifference("maxContains", "MAX_CONTAINS", original.maxContains, update.maxContains));
  return found;
}

function compareItems(context: DiffContext, original: ArrayNode, update: ArrayNode): Difference[] {
  if (original.items === undefined && update.items === undefined) return [];
  if (original.items === undefined) return [difference("SCHEMA_ADDED", ["items"])];
  if (update.items === undefined) return [difference("SCHEMA_REMOVED", ["items"])];
  return under(["items"], context.compare(original.items.node(), update.items.node()));
}

/**
 * What the items after the tuple must match: `items` when it is one schema for all (where
 * `additionalItems` does not apply), else `additionalItems`.
 */
function rest(node: ArrayNode): SchemaNode {
  return (node.items ?? node.additionalItems)?.node() ?? anyValue;
}

function compareTuples(context: DiffContext, original: ArrayNode, update: ArrayNode): Difference[] {
  const found: Difference[] = [];
  const longest = Math.max(original.tuple.length, update.tuple.length);
  for (let index = 0; index < longest; index++) {
    const before = original.tuple[index];
    const after = update.tuple[index];
    const path = [update.tuple.length > index ? update.tupleKeyword : original.tupleKeyword, String(index)];
    if (before !== undefined && after !== undefined) found.push(...under(path, context.compare(before.node(), after.node())));
    else if (before !== undefined) found.push(...itemRemoved(context, update, before, path));
    else if (after !== undefined) found.push(...itemAdded(context, original, after, path));
  }
  return found;
}

function itemRemoved(context: DiffContext, update: ArrayNode, before: Child, path: string[]): Difference[] {
  const remaining = rest(update);
  if (remaining.kind === "empty") return [difference("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", path)];
  if (remaining.kind === "false") {
    return [difference(before.node().kind === "false" ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" : "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", path)];
  }
  const covered = context.compare(before.node(), remaining);
  const rule: RuleId = context.compatible(covered) ? "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" : "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL";
  return [...under(path, covered), difference(rule, path)];
}

function itemAdded(context: DiffContext, original: ArrayNode, after: Child, path: string[]): Difference[] {
  const remaining = rest(original);
  if (remaining.kind === "empty") {
    return [difference(after.node().kind === "empty" ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL" : "ITEM_ADDED_TO_OPEN_CONTENT_MODEL", path)];
  }
  if (remaining.kind === "false") return [difference("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", path)];
  const covered = context.compare(remaining, after.node());
  const rule: RuleId = context.compatible(covered) ? "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" : "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL";
  return [...under(path, covered), difference(rule, path)];
}
