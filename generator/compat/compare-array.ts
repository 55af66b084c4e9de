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
  const found = [...compareItems(context, original, update), ...compareTuples(context, original, update), ...restDifference(context, "ADDITIONAL_ITEMS", "additionalItems", original.additionalItems?.node(), update.additionalItems?.node())];
  found.push(...boundDifference("maxItems", "MAX_ITEMS", original.maxItems, update.maxItems));
  found.push(...boundDifference("minItems", "MIN_ITEMS", original.minItems, update.minItems));
  if (original.uniqueItems !== update.uniqueItems) found.push(difference(update.uniqueItems ? "UNIQUE_ITEMS_ADDED" : "UNIQUE_ITEMS_REMOVED", ["uniqueItems"]));
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
    const path = ["items", String(index)];
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
