/** Paths and messages of findings: `#/properties/data/properties/createdBy`, `"data.createdBy": required property added ...`. */
import { escapePointerToken, type JsonValue } from "@evc/runtime/codegen";
import type { Difference } from "./difference.js";
import { phraseOf, type RuleId } from "./rules.js";

/** The JSON pointer fragment of a path, as Confluent prints it: `#/` for the root, `#/properties/foo` below. */
export function pathText(tokens: readonly string[]): string {
  return `#/${tokens.map(escapePointerToken).join("/")}`;
}

const combinators = new Set(["allOf", "anyOf", "oneOf"]);
const dependencyTokens = new Set(["properties", "required", "dependencies", "dependentRequired", "dependentSchemas"]);

/** The field a path is about, as a reader of the event sees it: `data.createdBy`, `tags[]`, `items[0]`; `root` at the top. */
export function fieldLabel(tokens: readonly string[]): string {
  let label = "";
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as string;
    const next = tokens[index + 1];
    if (dependencyTokens.has(token) && next !== undefined) {
      label = withField(label, next);
      index++;
    } else if (token === "patternProperties" && next !== undefined) {
      label = withField(label, `<${next}>`);
      index++;
    } else if (token === "additionalProperties" || token === "unevaluatedProperties") label = withField(label, "*");
    else if ((token === "items" || token === "prefixItems") && next !== undefined && /^\d+$/.test(next)) {
      label += `[${next}]`;
      index++;
    } else if (token === "items" || token === "additionalItems" || token === "unevaluatedItems" || token === "contains") label += "[]";
    else if (combinators.has(token) && next !== undefined && /^\d+$/.test(next)) index++;
  }
  return label === "" ? "root" : `"${label}"`;
}

function withField(label: string, name: string): string {
  return label === "" ? name : `${label}.${name}`;
}

/** Which side reads in a direction: the new schema reads old events (BACKWARD), the old schema reads new ones (FORWARD). */
export interface Roles {
  readonly reader: "old" | "new";
  readonly writer: "old" | "new";
}

/** A finding's message: the field, what changed from old to new, and why it matters. */
export function findingMessage(rule: RuleId, found: Difference, before: JsonValue | undefined, after: JsonValue | undefined, roles: Roles): string {
  const plain = plainRules.test(rule);
  const phrase = phraseOf(rule).replace("{before}", shown(before, plain)).replace("{after}", shown(after, plain));
  const detail = found.detail === undefined ? "" : `; ${found.detail.replace("{reader}", roles.reader).replace("{writer}", roles.writer)}`;
  return `${fieldLabel(found.path)}: ${phrase}${detail}`;
}

/** Rules whose values are words (type names, keywords), shown without quotes. */
const plainRules = /^(TYPE_|SUM_TYPE|PRODUCT_TYPE|COMBINED_TYPE|UNSUPPORTED_KEYWORD|PATTERN_PROPERTY)/;

function shown(value: JsonValue | undefined, plain: boolean): string {
  return value === undefined ? "nothing" : plain && typeof value === "string" ? value : JSON.stringify(value);
}
