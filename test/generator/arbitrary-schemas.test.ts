/**
 * The generator over payload schemas drawn at random (the compatibility tests' arbitraries: open and
 * closed objects, pattern properties, arrays and tuples, enums, consts, nullable types, unions, allOf):
 * whatever their shapes, the SDK compiles under the strictest settings users turn on, and each event
 * class takes the values ajv accepts (as JSON text) and gives the same JSON back. One schema is the payload of two
 * messages, so that models shared between event files are imported too.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ajvOracle } from "../helpers/ajv-oracle.js";
import { componentSpec } from "../helpers/component-spec.js";
import { schemaArbitrary, unsatisfiable, valueArbitrary, type Schema } from "../helpers/schema-arbitraries.js";
import { specWorkspace } from "../helpers/spec-workspace.js";
import { typecheck } from "../helpers/typecheck.js";

const ajv = new Ajv({ strict: false, allErrors: false });
addFormats.default(ajv);
const accepts: (schema: Schema, value: unknown) => boolean = ajvOracle(ajv);

/** A generated event class, as far as this test uses it. */
interface EventClass {
  readonly contract: { readonly type: string };
  fromJSON(json: unknown): { toJSON(): unknown };
}

/** Schemas with values each accepts: the payloads of one spec. */
const payloads = fc.array(
  schemaArbitrary().chain((schema) => fc.record({ schema: fc.constant(schema), values: fc.array(valueArbitrary(schema), { minLength: 1, maxLength: 3 }) })),
  { minLength: 2, maxLength: 5 },
);

/** The spec of a run: message `gen.m<i>` carries schema i, and `gen.again` schema 0 once more. */
function specOf(schemas: readonly Schema[]): string {
  const payloads = Object.fromEntries(schemas.map((_, index) => [`gen.m${index}`, `S${index}`]));
  return componentSpec("Gen", { ...payloads, "gen.again": "S0" }, Object.fromEntries(schemas.map((schema, index) => [`S${index}`, schema])));
}

describe("generator - drawn payload schemas", () => {
  test("every SDK compiles under the strictest settings, and its classes take what ajv accepts and give back the same JSON", async () => {
    using ws = specWorkspace();
    const specs: string[] = [];
    let checkedValues = 0;
    await fc.assert(
      fc.asyncProperty(payloads, async (drawn) => {
        const run = specs.length;
        const spec = specOf(drawn.map(({ schema }) => schema));
        specs.push(spec);
        ws.write(`specs-${run}/gen.yaml`, spec);
        const { code, stderr } = await ws.evc("generate", "--specs", `specs-${run}`, "--out", `generated-${run}`, "--upcasters", `upcasters-${run}`);
        expect({ code, errors: stderr.split("\n").filter((line) => line.includes("error")) }).toEqual({ code: 0, errors: [] });
        const index = await ws.load<Record<string, unknown>>(`generated-${run}/index.ts`);
        const classes = Object.values(index).filter((value): value is EventClass => typeof value === "function" && "contract" in value);
        for (const [position, { schema, values }] of drawn.entries()) {
          const type = `gen.m${position}`;
          const eventClass = classes.find((candidate) => candidate.contract.type === type);
          expect(eventClass, type).toBeDefined();
          for (const value of values.filter((value) => value !== unsatisfiable && accepts(schema, value))) {
            // As JSON text: `fromJSON` reads any string as JSON text, and some payloads are strings (and JSON has no -0).
            expect({ type, json: JSON.parse(JSON.stringify((eventClass as EventClass).fromJSON(JSON.stringify(value)).toJSON())) }).toEqual({ type, json: JSON.parse(JSON.stringify(value)) as unknown });
            checkedValues++;
          }
        }
      }),
      { numRuns: 25 },
    );
    // One compilation for every run's SDK; a failure names the file, and the spec of its run is printed with it.
    const files = readdirSync(ws.dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && /(^|\/)generated-\d+(\/|$)/.test(join(entry.parentPath, entry.name).slice(ws.dir.length)))
      .map((entry) => join(entry.parentPath, entry.name));
    expect({ runs: specs.length, files: files.length > specs.length * 4, checkedValues: checkedValues > specs.length }).toEqual({ runs: 25, files: true, checkedValues: true });
    const problems = typecheck(files).map((problem) => {
      const run = /generated-(\d+)\//.exec(problem)?.[1];
      return run === undefined ? problem : `${problem}\n  from the spec ${specs[Number(run)]}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
