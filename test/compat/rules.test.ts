import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { checkCompatibility, CompatibilityError, diffSchemas, mirrorOf, ruleClass, type RuleId, ruleIds } from "@evc/cli/compat";
import type { JsonSchema } from "@evc/runtime/codegen";
import { isContractError } from "@evc/runtime";
import { walkedAfresh } from "../helpers/walked-afresh.js";

interface Case {
  readonly description: string;
  readonly old: JsonSchema;
  readonly new: JsonSchema;
  readonly changes: readonly string[];
  readonly backward: boolean;
  readonly lenient?: boolean;
}

const { cases } = JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/compat/cases.json"), "utf8")) as { cases: Case[] };

const sorted = (list: readonly string[]) => [...list].sort();

describe("compat - rules", () => {
  test("the fixture exercises every rule", () => {
    const seen = new Set(cases.flatMap((entry) => entry.changes.map((change) => change.split(" ")[0])));
    expect(ruleIds.filter((rule) => !seen.has(rule))).toEqual([]);
  });

  test.each(cases.map((entry) => [entry.description, entry] as const))("%s", (_, entry) => {
    expect(sorted(diffSchemas(entry.old, entry.new))).toEqual(sorted(entry.changes));
    expect(checkCompatibility([entry.old], entry.new, { mode: "BACKWARD", policy: "strict" }).compatible).toBe(entry.backward);
    expect(checkCompatibility([entry.old], entry.new, { mode: "BACKWARD", policy: "lenient" }).compatible).toBe(entry.lenient ?? entry.backward);
  });

  test("every schema of the fixture is compatible with itself in every mode and both policies", () => {
    for (const entry of cases) {
      for (const schema of [entry.old, entry.new]) {
        for (const mode of ["FULL_TRANSITIVE", "FULL"] as const) {
          expect(checkCompatibility([schema], structuredClone(schema), { mode }).findings).toEqual([]);
        }
      }
    }
  });

  test("a schema compared with itself has no differences, whether the checker skips the pair or walks every subschema of it", () => {
    for (const entry of cases) {
      for (const schema of [entry.old, entry.new]) {
        expect(diffSchemas(schema, structuredClone(schema))).toEqual([]);
        expect(diffSchemas(walkedAfresh(schema), walkedAfresh(structuredClone(schema)))).toEqual([]);
      }
    }
  });

  test("each rule's mirror is a rule; a keyword's change mirrors to the opposite change", () => {
    for (const rule of ruleIds) expect(ruleIds).toContain(mirrorOf(rule));
    for (const rule of ruleIds.filter((id) => /_(ADDED|REMOVED|INCREASED|DECREASED)$/.test(id) && !/PROPERTY|ITEM_|DEFAULT/.test(id))) {
      expect(mirrorOf(mirrorOf(rule))).toBe(rule);
    }
    expect(mirrorOf("MAX_LENGTH_DECREASED")).toBe("MAX_LENGTH_INCREASED");
    expect(mirrorOf("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL")).toBe("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
  });
});

const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: "object",
  additionalProperties: false,
  required,
  properties,
});

describe("compat - modes", () => {
  const v1 = closed({ id: { type: "string" }, name: { type: "string", maxLength: 10 } }, ["id"]);
  const wider = closed({ id: { type: "string" }, name: { type: "string", maxLength: 20 } }, ["id"]);

  test("BACKWARD accepts a widened field and FORWARD rejects it, naming the change from old to new", () => {
    expect(checkCompatibility([v1], wider, { mode: "BACKWARD" }).compatible).toBe(true);
    const forward = checkCompatibility([v1], wider, { mode: "FORWARD" });
    expect(forward.findings).toEqual([
      {
        rule: "MAX_LENGTH_INCREASED",
        path: "#/properties/name/maxLength",
        tokens: ["properties", "name", "maxLength"],
        breaks: ["FORWARD"],
        message: '"name": maxLength increased from 10 to 20',
        against: 0,
      },
    ]);
  });

  test("FULL reports a change that breaks both directions once, with both", () => {
    const retyped = closed({ id: { type: "integer" }, name: { type: "string", maxLength: 10 } }, ["id"]);
    const report = checkCompatibility([v1], retyped, { mode: "FULL" });
    expect(report.findings.map((finding) => [finding.rule, finding.path, finding.breaks])).toEqual([["TYPE_CHANGED", "#/properties/id", ["BACKWARD", "FORWARD"]]]);
    expect(report.findings[0]?.message).toBe('"id": type changed from string to integer');
  });

  test("a required field added to a closed model breaks BACKWARD; an optional one breaks FORWARD only in strict", () => {
    const required = closed({ ...v1.properties, createdBy: { type: "string" } }, ["id", "createdBy"]);
    const backward = checkCompatibility([v1], required, { mode: "FULL" });
    expect(backward.findings.map((finding) => [finding.rule, finding.breaks])).toEqual([["REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", ["BACKWARD", "FORWARD"]]]);
    expect(backward.findings[0]?.message).toBe('"createdBy": required property added to a closed content model; the new schema requires it');
    const optional = closed({ ...v1.properties, note: { type: "string" } }, ["id"]);
    expect(checkCompatibility([v1], optional, { mode: "FULL" }).findings.map((finding) => [finding.rule, finding.breaks])).toEqual([
      ["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", ["FORWARD"]],
    ]);
    expect(checkCompatibility([v1], optional, { mode: "FULL", policy: "lenient" }).compatible).toBe(true);
  });

  test("a required field removed breaks FORWARD even under the lenient policy", () => {
    const removed = closed({ name: { type: "string", maxLength: 10 } });
    const report = checkCompatibility([v1], removed, { mode: "FORWARD", policy: "lenient" });
    expect(report.findings.map((finding) => [finding.rule, finding.path, finding.breaks])).toEqual([
      ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/id", ["FORWARD"]],
    ]);
    expect(report.findings[0]?.message).toContain("the old schema requires it");
  });

  test("transitive modes check every earlier schema, the others only the latest", () => {
    const v2 = wider;
    const v3 = closed({ id: { type: "string" }, name: { type: "string", maxLength: 15 } }, ["id"]);
    expect(checkCompatibility([v1, v2], v3, { mode: "FORWARD" }).compatible).toBe(true);
    const transitive = checkCompatibility([v1, v2], v3, { mode: "FORWARD_TRANSITIVE" });
    expect(transitive.findings.map((finding) => [finding.rule, finding.against])).toEqual([["MAX_LENGTH_INCREASED", 0]]);
    expect(checkCompatibility([v1, v2], v3, { mode: "BACKWARD_TRANSITIVE" }).findings.map((finding) => [finding.rule, finding.against])).toEqual([
      ["MAX_LENGTH_DECREASED", 1],
    ]);
  });

  test("NONE accepts anything", () => {
    expect(checkCompatibility([v1], { type: "boolean" }, { mode: "NONE" })).toEqual({ mode: "NONE", policy: "strict", compatible: true, findings: [] });
  });

  test("a change deep in a recursive union is found, not masked by pairs compared before", () => {
    const tree = (leaf: string) => ({
      definitions: {
        Node: { oneOf: [{ $ref: "#/definitions/Leaf" }, { $ref: "#/definitions/Branch" }] },
        Leaf: closed({ value: { type: leaf } }, ["value"]),
        Branch: closed({ children: { type: "array", items: { $ref: "#/definitions/Node" } } }, ["children"]),
      },
      $ref: "#/definitions/Node",
    });
    expect(checkCompatibility([tree("string")], tree("string"), { mode: "FULL" }).compatible).toBe(true);
    const report = checkCompatibility([tree("string")], tree("number"), { mode: "BACKWARD" });
    expect(report.compatible).toBe(false);
    expect(report.findings.map((finding) => [finding.rule, finding.path])).toEqual([["TYPE_CHANGED", "#/oneOf/0/properties/value"]]);
  });

  test("a $ref that does not resolve inside the schema is a CompatibilityError naming it", () => {
    const call = () => checkCompatibility([{ $ref: "other.json#/Order" }], { type: "object" });
    expect(call).toThrow(CompatibilityError);
    expect(call).toThrow('cannot resolve "$ref" "other.json#/Order" at #: only references inside the schema ("#/...") are supported');
    try {
      checkCompatibility([{ properties: { a: { $ref: "#/definitions/Missing" } } }], {});
    } catch (error) {
      expect(isContractError(error)).toBe(true);
      expect((error as Error).message).toBe('cannot resolve "$ref" "#/definitions/Missing" at #/properties/a: there is nothing at "/definitions/Missing"');
    }
  });

  test("docs/compatibility.md lists every rule", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../docs/compatibility.md"), "utf8");
    expect(ruleIds.filter((rule) => !doc.includes(`| \`${rule}\` |`))).toEqual([]);
  });

  test("every rule id is a stable upper-case name", () => {
    for (const rule of ruleIds) expect(rule).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
    const sample: RuleId = "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL";
    expect(ruleClass(sample)).toBe("breaking");
  });
});
