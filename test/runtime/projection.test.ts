import { describe, expect, test } from "vitest";
import { projectOnto, type JsonSchema } from "@evc/runtime";

const older: JsonSchema = {
  allOf: [
    { type: "object", properties: { id: { type: "string" }, metadata: { $ref: "#/definitions/Open" } } },
    {
      type: "object",
      properties: {
        data: {
          type: "object",
          additionalProperties: false,
          properties: { name: { type: "string" }, lines: { type: "array", items: { $ref: "#/definitions/Line" } } },
        },
      },
    },
  ],
  definitions: {
    Open: { type: "object", properties: { source: { type: "string" } } },
    Line: { type: "object", additionalProperties: false, properties: { sku: { type: "string" } } },
  },
};

describe("runtime - projection onto an older schema", () => {
  test("drops what closed models do not declare, through allOf, $ref and array items; keeps what open models do not declare", () => {
    const newer = {
      id: "e-1",
      extra: "kept: the top level is open",
      metadata: { source: "s", tenant: "kept: metadata is open" },
      data: { name: "n", createdBy: "dropped", lines: [{ sku: "a", quantity: 2 }, { sku: "b" }] },
    };
    expect(projectOnto(older, newer)).toEqual({
      id: "e-1",
      extra: "kept: the top level is open",
      metadata: { source: "s", tenant: "kept: metadata is open" },
      data: { name: "n", lines: [{ sku: "a" }, { sku: "b" }] },
    });
  });

  test("never changes its input", () => {
    const newer = { id: "e-1", data: { name: "n", createdBy: "u" } };
    const copy = structuredClone(newer);
    projectOnto(older, newer);
    expect(newer).toEqual(copy);
  });

  test("keeps properties matched by patternProperties, and leaves anyOf branches to validation", () => {
    const schema: JsonSchema = {
      type: "object",
      additionalProperties: false,
      patternProperties: { "^x-": {} },
      properties: { choice: { anyOf: [{ type: "object", additionalProperties: false, properties: { a: {} } }] } },
    };
    expect(projectOnto(schema, { "x-trace": 1, other: 2, choice: { a: 1, b: 2 } })).toEqual({ "x-trace": 1, choice: { a: 1, b: 2 } });
  });
});
