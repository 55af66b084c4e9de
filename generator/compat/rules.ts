/**
 * Every difference the checker can find between two JSON Schemas, named as Confluent Schema
 * Registry names them (`Difference.Type` of its JSON Schema provider) plus a few of our own, with
 * whether it keeps a reader compatible, its mirror, and a phrase for messages.
 *
 * A difference is found walking from a writer's schema to a reader's: it is compatible when every
 * value the writer's schema accepts, the reader's accepts too. `lenient` marks the changes that only
 * Confluent's lenient policy accepts (it assumes writers never sent a property their schema did
 * not declare). The mirror names the same change seen from the other side, so that a finding of the
 * forward check (walked from the new schema to the old) can be named as a change from old to new.
 */

/** How a difference, found from writer to reader, affects the reader. */
export type RuleClass = "compatible" | "lenient" | "breaking";

interface RuleSpec {
  readonly class: RuleClass;
  /** The id of the same change walked the other way. */
  readonly mirror: string;
  /** What changed, from old to new; `{before}` and `{after}` stand for the values. */
  readonly phrase: string;
}

const c: RuleClass = "compatible";
const l: RuleClass = "lenient";
const b: RuleClass = "breaking";

/** Bounds: ADDED, REMOVED, INCREASED, DECREASED, where a raised limit widens (`max`) or narrows (`min`). */
function bound<P extends string>(keyword: string, prefix: P, widensWhenRaised: boolean): Record<`${P}_${"ADDED" | "REMOVED" | "INCREASED" | "DECREASED"}`, RuleSpec> {
  return {
    [`${prefix}_ADDED`]: { class: b, mirror: `${prefix}_REMOVED`, phrase: `${keyword} {after} added` },
    [`${prefix}_REMOVED`]: { class: c, mirror: `${prefix}_ADDED`, phrase: `${keyword} {before} removed` },
    [`${prefix}_INCREASED`]: { class: widensWhenRaised ? c : b, mirror: `${prefix}_DECREASED`, phrase: `${keyword} increased from {before} to {after}` },
    [`${prefix}_DECREASED`]: { class: widensWhenRaised ? b : c, mirror: `${prefix}_INCREASED`, phrase: `${keyword} decreased from {before} to {after}` },
  } as Record<`${P}_${"ADDED" | "REMOVED" | "INCREASED" | "DECREASED"}`, RuleSpec>;
}

/** A keyword that only constrains: adding it narrows, removing it widens, changing it is both. */
function constraint<P extends string>(keyword: string, prefix: P): Record<`${P}_${"ADDED" | "REMOVED" | "CHANGED"}`, RuleSpec> {
  return {
    [`${prefix}_ADDED`]: { class: b, mirror: `${prefix}_REMOVED`, phrase: `${keyword} {after} added` },
    [`${prefix}_REMOVED`]: { class: c, mirror: `${prefix}_ADDED`, phrase: `${keyword} {before} removed` },
    [`${prefix}_CHANGED`]: { class: b, mirror: `${prefix}_CHANGED`, phrase: `${keyword} changed from {before} to {after}` },
  } as Record<`${P}_${"ADDED" | "REMOVED" | "CHANGED"}`, RuleSpec>;
}

const specs = {
  ID_CHANGED: { class: c, mirror: "ID_CHANGED", phrase: "$id changed from {before} to {after}" },
  TITLE_CHANGED: { class: c, mirror: "TITLE_CHANGED", phrase: "title changed from {before} to {after}" },
  DESCRIPTION_CHANGED: { class: c, mirror: "DESCRIPTION_CHANGED", phrase: "description changed" },
  DEFAULT_CHANGED: { class: c, mirror: "DEFAULT_CHANGED", phrase: "default changed from {before} to {after}" },
  SCHEMA_ADDED: { class: b, mirror: "SCHEMA_REMOVED", phrase: "schema added where any value was allowed" },
  SCHEMA_REMOVED: { class: c, mirror: "SCHEMA_ADDED", phrase: "schema removed: any value is allowed" },
  TYPE_EXTENDED: { class: c, mirror: "TYPE_NARROWED", phrase: "type widened from {before} to {after}" },
  TYPE_NARROWED: { class: b, mirror: "TYPE_EXTENDED", phrase: "type narrowed from {before} to {after}" },
  TYPE_CHANGED: { class: b, mirror: "TYPE_CHANGED", phrase: "type changed from {before} to {after}" },

  ...bound("maxLength", "MAX_LENGTH", true),
  ...bound("minLength", "MIN_LENGTH", false),
  ...constraint("pattern", "PATTERN"),
  ...constraint("format", "FORMAT"),
  ...bound("maximum", "MAXIMUM", true),
  ...bound("minimum", "MINIMUM", false),
  ...bound("exclusiveMaximum", "EXCLUSIVE_MAXIMUM", true),
  ...bound("exclusiveMinimum", "EXCLUSIVE_MINIMUM", false),
  MULTIPLE_OF_ADDED: { class: b, mirror: "MULTIPLE_OF_REMOVED", phrase: "multipleOf {after} added" },
  MULTIPLE_OF_REMOVED: { class: c, mirror: "MULTIPLE_OF_ADDED", phrase: "multipleOf {before} removed" },
  MULTIPLE_OF_EXPANDED: { class: b, mirror: "MULTIPLE_OF_REDUCED", phrase: "multipleOf expanded from {before} to its multiple {after}" },
  MULTIPLE_OF_REDUCED: { class: c, mirror: "MULTIPLE_OF_EXPANDED", phrase: "multipleOf reduced from {before} to its divisor {after}" },
  MULTIPLE_OF_CHANGED: { class: b, mirror: "MULTIPLE_OF_CHANGED", phrase: "multipleOf changed from {before} to {after}" },

  REQUIRED_ATTRIBUTE_ADDED: { class: b, mirror: "REQUIRED_ATTRIBUTE_REMOVED", phrase: "property made required" },
  // Confluent accepts this; our validators do not fill in defaults, so an old event without the property fails.
  REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED: { class: b, mirror: "REQUIRED_ATTRIBUTE_REMOVED", phrase: "property with a default made required" },
  REQUIRED_ATTRIBUTE_REMOVED: { class: c, mirror: "REQUIRED_ATTRIBUTE_ADDED", phrase: "property made optional" },
  ...bound("maxProperties", "MAX_PROPERTIES", true),
  ...bound("minProperties", "MIN_PROPERTIES", false),
  ADDITIONAL_PROPERTIES_ADDED: { class: c, mirror: "ADDITIONAL_PROPERTIES_REMOVED", phrase: "additional properties allowed" },
  ADDITIONAL_PROPERTIES_REMOVED: { class: l, mirror: "ADDITIONAL_PROPERTIES_ADDED", phrase: "additional properties no longer allowed" },
  ADDITIONAL_PROPERTIES_EXTENDED: { class: c, mirror: "ADDITIONAL_PROPERTIES_NARROWED", phrase: "schema of additional properties removed" },
  ADDITIONAL_PROPERTIES_NARROWED: { class: l, mirror: "ADDITIONAL_PROPERTIES_EXTENDED", phrase: "schema of additional properties added" },
  DEPENDENCY_ARRAY_ADDED: { class: b, mirror: "DEPENDENCY_ARRAY_REMOVED", phrase: "property dependency {after} added" },
  DEPENDENCY_ARRAY_REMOVED: { class: c, mirror: "DEPENDENCY_ARRAY_ADDED", phrase: "property dependency {before} removed" },
  DEPENDENCY_ARRAY_EXTENDED: { class: b, mirror: "DEPENDENCY_ARRAY_NARROWED", phrase: "property dependency extended from {before} to {after}" },
  DEPENDENCY_ARRAY_NARROWED: { class: c, mirror: "DEPENDENCY_ARRAY_EXTENDED", phrase: "property dependency narrowed from {before} to {after}" },
  DEPENDENCY_ARRAY_CHANGED: { class: b, mirror: "DEPENDENCY_ARRAY_CHANGED", phrase: "property dependency changed from {before} to {after}" },
  DEPENDENCY_SCHEMA_ADDED: { class: b, mirror: "DEPENDENCY_SCHEMA_REMOVED", phrase: "schema dependency added" },
  DEPENDENCY_SCHEMA_REMOVED: { class: c, mirror: "DEPENDENCY_SCHEMA_ADDED", phrase: "schema dependency removed" },

  REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: { class: b, mirror: "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", phrase: "required property added to an open content model" },
  // Confluent accepts this under its lenient policy; we do not, for the reason of REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED.
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL: {
    class: b,
    mirror: "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    phrase: "required property with a default added to an open content model",
  },
  OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: { class: l, mirror: "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", phrase: "optional property added to an open content model" },
  PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: {
    class: c,
    mirror: "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    phrase: "property with an empty schema added to an open content model",
  },
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: { class: b, mirror: "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", phrase: "required property added to a closed content model" },
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL: {
    class: b,
    mirror: "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    phrase: "required property with a default added to a closed content model",
  },
  OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: { class: c, mirror: "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", phrase: "optional property added to a closed content model" },
  PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: { class: c, mirror: "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", phrase: "property removed from an open content model" },
  PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: {
    class: c,
    mirror: "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    phrase: "forbidden property removed from a closed content model",
  },
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: { class: l, mirror: "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", phrase: "property removed from a closed content model" },
  PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    class: c,
    mirror: "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    phrase: "property removed, covered by the partially open content model",
  },
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    class: l,
    mirror: "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    phrase: "property removed, not covered by the partially open content model",
  },
  PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    class: c,
    mirror: "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    phrase: "property added, covered by the partially open content model",
  },
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    class: l,
    mirror: "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    phrase: "property added, not covered by the partially open content model",
  },
  PATTERN_PROPERTY_ADDED: { class: l, mirror: "PATTERN_PROPERTY_REMOVED", phrase: "pattern property added" },
  PATTERN_PROPERTY_ADDED_OVER_PROPERTY: { class: b, mirror: "PATTERN_PROPERTY_REMOVED", phrase: "pattern property added that narrows a declared property it matches" },
  PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: { class: c, mirror: "PATTERN_PROPERTY_REMOVED", phrase: "pattern property added to a closed content model" },
  PATTERN_PROPERTY_REMOVED: { class: l, mirror: "PATTERN_PROPERTY_ADDED", phrase: "pattern property removed" },
  PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: { class: c, mirror: "PATTERN_PROPERTY_ADDED", phrase: "pattern property removed from an open content model" },

  ...bound("maxItems", "MAX_ITEMS", true),
  ...bound("minItems", "MIN_ITEMS", false),
  UNIQUE_ITEMS_ADDED: { class: b, mirror: "UNIQUE_ITEMS_REMOVED", phrase: "uniqueItems added" },
  CONTAINS_ADDED: { class: b, mirror: "CONTAINS_REMOVED", phrase: "contains added" },
  CONTAINS_REMOVED: { class: c, mirror: "CONTAINS_ADDED", phrase: "contains removed" },
  CONTAINS_WIDENED_UNDER_MAX_CONTAINS: {
    class: b,
    mirror: "CONTAINS_WIDENED_UNDER_MAX_CONTAINS",
    phrase: "contains matches items it did not, which maxContains counts",
  },
  // minContains is 1 by default wherever contains is, so it is never added or removed, only raised or lowered.
  MIN_CONTAINS_INCREASED: { class: b, mirror: "MIN_CONTAINS_DECREASED", phrase: "minContains increased from {before} to {after}" },
  MIN_CONTAINS_DECREASED: { class: c, mirror: "MIN_CONTAINS_INCREASED", phrase: "minContains decreased from {before} to {after}" },
  ...bound("maxContains", "MAX_CONTAINS", true),
  UNIQUE_ITEMS_REMOVED: { class: c, mirror: "UNIQUE_ITEMS_ADDED", phrase: "uniqueItems removed" },
  ADDITIONAL_ITEMS_ADDED: { class: c, mirror: "ADDITIONAL_ITEMS_REMOVED", phrase: "additional items allowed" },
  ADDITIONAL_ITEMS_REMOVED: { class: b, mirror: "ADDITIONAL_ITEMS_ADDED", phrase: "additional items no longer allowed" },
  ADDITIONAL_ITEMS_EXTENDED: { class: c, mirror: "ADDITIONAL_ITEMS_NARROWED", phrase: "schema of additional items removed" },
  ADDITIONAL_ITEMS_NARROWED: { class: b, mirror: "ADDITIONAL_ITEMS_EXTENDED", phrase: "schema of additional items added" },
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: { class: b, mirror: "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", phrase: "tuple item added to an open content model" },
  ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: { class: c, mirror: "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", phrase: "tuple item with an empty schema added" },
  ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: { class: c, mirror: "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", phrase: "tuple item added to a closed content model" },
  ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL: { class: c, mirror: "ITEM_ADDED_TO_OPEN_CONTENT_MODEL", phrase: "tuple item removed from an open content model" },
  ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: { class: c, mirror: "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", phrase: "forbidden tuple item removed" },
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: { class: b, mirror: "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", phrase: "tuple item removed from a closed content model" },
  ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    class: c,
    mirror: "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    phrase: "tuple item removed, covered by additionalItems",
  },
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    class: b,
    mirror: "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    phrase: "tuple item removed, not covered by additionalItems",
  },
  ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    class: c,
    mirror: "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    phrase: "tuple item added, covered by additionalItems",
  },
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    class: b,
    mirror: "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    phrase: "tuple item added, not covered by additionalItems",
  },

  ENUM_ARRAY_EXTENDED: { class: c, mirror: "ENUM_ARRAY_NARROWED", phrase: "allowed values extended from {before} to {after}" },
  ENUM_ARRAY_NARROWED: { class: b, mirror: "ENUM_ARRAY_EXTENDED", phrase: "allowed values narrowed from {before} to {after}" },
  ENUM_ARRAY_CHANGED: { class: b, mirror: "ENUM_ARRAY_CHANGED", phrase: "allowed values changed from {before} to {after}" },

  COMBINED_TYPE_EXTENDED: { class: c, mirror: "COMBINED_TYPE_CHANGED", phrase: "combinator changed from {before} to the wider {after}" },
  COMBINED_TYPE_CHANGED: { class: b, mirror: "COMBINED_TYPE_CHANGED", phrase: "combinator changed from {before} to {after}" },
  PRODUCT_TYPE_EXTENDED: { class: b, mirror: "PRODUCT_TYPE_NARROWED", phrase: "constraint {after} added" },
  PRODUCT_TYPE_NARROWED: { class: c, mirror: "PRODUCT_TYPE_EXTENDED", phrase: "constraint {before} removed" },
  SUM_TYPE_EXTENDED: { class: c, mirror: "SUM_TYPE_NARROWED", phrase: "alternatives extended from {before} to {after}" },
  SUM_TYPE_NARROWED: { class: b, mirror: "SUM_TYPE_EXTENDED", phrase: "alternatives narrowed from {before} to {after}" },
  ONE_OF_ALTERNATIVES_OVERLAP: {
    class: b,
    mirror: "ONE_OF_ALTERNATIVES_OVERLAP",
    phrase: "a value the writer's schema allows may match more than one alternative of the reader's oneOf",
  },
  NOT_TYPE_EXTENDED: { class: b, mirror: "NOT_TYPE_NARROWED", phrase: "\"not\" schema widened: fewer values are allowed" },
  NOT_TYPE_NARROWED: { class: c, mirror: "NOT_TYPE_EXTENDED", phrase: "\"not\" schema narrowed: more values are allowed" },

  UNSUPPORTED_KEYWORD_ADDED: { class: b, mirror: "UNSUPPORTED_KEYWORD_REMOVED", phrase: "{after} added, which the checker does not analyse" },
  UNSUPPORTED_KEYWORD_REMOVED: { class: c, mirror: "UNSUPPORTED_KEYWORD_ADDED", phrase: "{before} removed" },
  UNSUPPORTED_KEYWORD_CHANGED: { class: b, mirror: "UNSUPPORTED_KEYWORD_CHANGED", phrase: "{after} changed, which the checker does not analyse" },
} satisfies Record<string, RuleSpec>;

/** A stable rule id: `MAX_LENGTH_DECREASED`, `REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL`, ... */
export type RuleId = keyof typeof specs;

/** Every rule id, in the order of the table. */
export const ruleIds = Object.keys(specs) as RuleId[];

/** The class of a rule: whether the change it names keeps readers compatible. */
export function ruleClass(rule: RuleId): RuleClass {
  return specs[rule].class;
}

/** The id of the same change walked the other way (writer and reader swapped). */
export function mirrorOf(rule: RuleId): RuleId {
  return specs[rule].mirror as RuleId;
}

/** The message template of a rule, with `{before}` and `{after}` for the values. */
export function phraseOf(rule: RuleId): string {
  return specs[rule].phrase;
}

/** Whether a change keeps a reader compatible under a policy. */
export function isCompatibleUnder(rule: RuleId, policy: "strict" | "lenient"): boolean {
  const kind = specs[rule].class;
  return kind === "compatible" || (kind === "lenient" && policy === "lenient");
}
