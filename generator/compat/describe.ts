/** Short descriptions of schemas for messages: `string`, `integer or null`, `["a","b"]`, `oneOf of 3`. */
import type { SchemaNode } from "./schema-node.js";

/** Describe what a schema accepts in a few words. */
export function describeNode(node: SchemaNode): string {
  switch (node.kind) {
    case "empty":
      return "any value";
    case "false":
      return "no value";
    case "number":
      return node.integer ? "integer" : "number";
    case "string":
    case "boolean":
    case "null":
    case "object":
    case "array":
      return node.kind;
    case "types":
      return node.members.map(describeNode).join(" or ");
    case "enum":
      return JSON.stringify(node.keyword === "const" ? node.values[0] : node.values);
    case "not":
      return "not";
    case "combined":
      return `${node.criterion} of ${node.branches.length}`;
    case "opaque":
      return node.keyword;
    case "parts":
      return [...node.parts.values()].map(describeNode).join(" and ");
  }
}
