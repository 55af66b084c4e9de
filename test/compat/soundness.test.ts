/**
 * Changes the checker once let through: for each, ajv (the validator the SDK uses, in the dialect the
 * schema names) shows a value the writer's schema accepts and the reader's refuses, and the checker
 * must report the change as breaking.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type AnySchema } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { checkCompatibility, type CompatibilityPolicy, type SchemaDialect } from "@evc/cli/compat";

interface SoundnessCase {
  readonly description: string;
  readonly mode: "BACKWARD" | "FORWARD";
  readonly policy: CompatibilityPolicy;
  readonly dialect: SchemaDialect;
  readonly old: Record<string, unknown>;
  readonly new: Record<string, unknown>;
  readonly witness: unknown;
}

const { cases } = JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/compat/soundness.json"), "utf8")) as { cases: SoundnessCase[] };

/** Whether ajv, with the SDK's options, accepts a value under a schema (2020-12 where its `$schema` says so). */
function accepts(schema: Record<string, unknown>, value: unknown): boolean {
  const options = { strict: false, ownProperties: true, logger: false } as const;
  const ajv = typeof schema["$schema"] === "string" && schema["$schema"].includes("2020-12") ? new Ajv2020(options) : new Ajv(options);
  addFormats.default(ajv);
  return ajv.compile(schema as AnySchema)(value) as boolean;
}

describe("compat - soundness", () => {
  test.each(cases.map((entry) => [entry.description, entry] as const))("%s is breaking", (_, entry) => {
    const [writer, reader] = entry.mode === "BACKWARD" ? [entry.old, entry.new] : [entry.new, entry.old];
    expect(accepts(writer, entry.witness)).toBe(true);
    expect(accepts(reader, entry.witness)).toBe(false);
    const report = checkCompatibility([entry.old], entry.new, { mode: entry.mode, policy: entry.policy, dialect: entry.dialect });
    expect(report.compatible).toBe(false);
  });

  test("the fixture has every kind of change once", () => {
    expect(new Set(cases.map((entry) => entry.description)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(19);
  });
});
