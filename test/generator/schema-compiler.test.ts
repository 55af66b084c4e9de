import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import type { JsonObject } from "@evc/runtime/codegen";
import { ajvOptions, SchemaCompiler } from "../../generator/compile.js";
import { tidyStandaloneCode } from "../../generator/standalone-code.js";
import type { EventModel } from "../../generator/model.js";
import { eventSchemaId, referencingSchema, type SharedSchemas } from "../../generator/shared-schemas.js";

const metadata = { title: "Metadata", type: "object", properties: { source: { type: "string" } }, required: ["source"] };

/** An event with just what the compiler reads: its schemas and class name. */
function event(className: string, schema: JsonObject): EventModel {
  return { className, schema, namedSchema: schema } as unknown as EventModel;
}

/** The validators module as one ajv instance compiles it afresh, the events' schemas referencing the shared ones, schema constants no function uses left out. */
function freshModule(shared: SharedSchemas, exports: Record<string, EventModel>): string {
  const ajv = new Ajv({ ...ajvOptions, validateSchema: false, inlineRefs: false });
  addFormats.default(ajv);
  for (const schema of shared.list) ajv.addSchema(referencingSchema(schema.schema, shared, schema.id) as object);
  for (const event of Object.values(exports)) ajv.addSchema(referencingSchema(event.schema, shared, eventSchemaId(event)) as object);
  return tidyStandaloneCode(standaloneCode.default(ajv, Object.fromEntries(Object.entries(exports).map(([name, event]) => [name, eventSchemaId(event)]))));
}

function aloneError(schema: JsonObject): string {
  const ajv = new Ajv({ ...ajvOptions, validateSchema: false });
  addFormats.default(ajv);
  try {
    ajv.compile(schema);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the schema compiles alone");
}

describe("generator - schema compiler", () => {
  test("a shared subschema is one function the events' validators call, and each validator checks what its schema says", () => {
    const first = event("OrderPlacedV1", { type: "object", properties: { metadata, total: { type: "number" } }, required: ["metadata", "total"] });
    const second = event("OrderShippedV1", { type: "object", properties: { metadata, carrier: { type: "string" } }, required: ["metadata"] });
    const compiler = new SchemaCompiler([first, second]);
    expect(compiler.shared.list.map((schema) => schema.name)).toEqual(["Metadata"]);
    const validate = compiler.compile(first);
    expect(validate({ metadata: { source: "shop" }, total: 3 })).toBe(true);
    expect(validate({ metadata: {}, total: "3" })).toBe(false);
    expect(validate.errors?.map((issue) => `${issue.instancePath} ${issue.message}`)).toEqual(["/metadata must have required property 'source'", "/total must be number"]);
    expect(compiler.compile(first)).toBe(validate);
    compiler.compile(second);
    const module = compiler.standaloneModule(new Map([["validateOrderPlacedV1", first], ["validateOrderShippedV1", second]]));
    expect(module).toBe(freshModule(compiler.shared, { validateOrderPlacedV1: first, validateOrderShippedV1: second }));
    expect(module.match(/missingProperty: "source"/g)).toHaveLength(1);
  });

  test("a schema that names or points at schemas is checked alone: another event's $id does not reach it", () => {
    const named = event("AddressV1", { type: "object", properties: { home: { $id: "urn:evc-test:address", type: "object", properties: { city: { type: "string" } } } } });
    const pointing = event("MoveV1", { type: "object", properties: { to: { $ref: "urn:evc-test:address" } } });
    const compiler = new SchemaCompiler([named, pointing]);
    expect(compiler.compile(named)({ home: { city: "Oslo" } })).toBe(true);
    expect(() => compiler.compile(pointing)).toThrow(aloneError(pointing.schema as JsonObject));
  });

  test("a schema that does not compile fails with the error it gives alone", () => {
    const broken = event("BrokenV1", { type: "object", properties: { code: { type: "string", pattern: "([a-z]" } } });
    const compiler = new SchemaCompiler([broken]);
    expect(() => compiler.compile(broken)).toThrow(aloneError(broken.schema as JsonObject));
  });

  test("a schema the meta-schema refuses is reported as invalid", () => {
    const invalid = event("InvalidV1", { type: "object", properties: { count: { type: "integer", minimum: "zero" } } });
    expect(() => new SchemaCompiler([invalid]).compile(invalid)).toThrow(/^schema is invalid: data\/properties\/count\/minimum must be number$/);
  });

  describe("a compiler patched for an edit (watch mode)", () => {
    const placed = (total: JsonObject, meta: JsonObject = metadata) => event("OrderPlacedV1", { type: "object", properties: { metadata: meta, total, code: { type: "string", pattern: "^o-" } }, required: ["metadata"] });
    const shipped = (meta: JsonObject = metadata) => event("OrderShippedV1", { type: "object", properties: { metadata: meta, carrier: { type: "string", format: "email" } } });
    const exportsOf = (events: EventModel[]) => new Map(events.map((one) => [`validate${one.className}`, one]));
    /** The module a compiler patched from `before` to `after` writes, beside the one a new compiler writes. */
    const modules = (before: EventModel[], after: EventModel[]) => {
      const previous = new SchemaCompiler(before);
      for (const one of [...before].reverse()) previous.compile(one);
      previous.standaloneModule(exportsOf(before));
      const patched = SchemaCompiler.reusing(after, previous);
      for (const one of after) patched.compile(one);
      return { patched, previous, module: patched.standaloneModule(exportsOf(after)), fresh: new SchemaCompiler(after).standaloneModule(exportsOf(after)) };
    };

    test("an edit of one schema compiles that schema again and keeps the others' functions", () => {
      const before = [placed({ type: "number" }), shipped()];
      const previous = new SchemaCompiler(before);
      const [kept, edited] = [previous.compile(before[1]!), previous.compile(before[0]!)];
      const after = [placed({ type: "number", minimum: 1 }), shipped()];
      const patched = SchemaCompiler.reusing(after, previous);
      expect(patched).toBe(previous);
      expect(patched.compile(after[1]!)).toBe(kept);
      expect(patched.compile(after[0]!)).not.toBe(edited);
      expect(patched.compile(after[0]!)({ metadata: { source: "shop" }, total: 0 })).toBe(false);
      expect(patched.compile(after[0]!)({ metadata: { source: "shop" }, total: 1 })).toBe(true);
    });

    test.each([
      ["an event's own schema", [placed({ type: "number" }), shipped()], [placed({ type: "integer", minimum: 1 }), shipped()]],
      ["a shared subschema", [placed({ type: "number" }), shipped()], [placed({ type: "number" }, { ...metadata, required: [] }), shipped({ ...metadata, required: [] })]],
      ["the events: one added, one removed", [placed({ type: "number" }), shipped()], [shipped(), event("OrderPackedV1", { type: "object", properties: { metadata, code: { type: "string", pattern: "^o-" } } })]],
      ["nothing, the order of compiling aside", [shipped(), placed({ type: "number" })], [shipped(), placed({ type: "number" })]],
    ])("a patched compiler writes the module a new one writes, after an edit of %s", (_edit, before, after) => {
      const { patched, previous, module, fresh } = modules(before, after);
      expect(patched).toBe(previous);
      expect(module).toBe(fresh);
      expect(module).toMatch(/^const pattern0 = /m);
    });

    test("an event whose schema still points at a shared schema that changed is compiled again", () => {
      // A and B share one Metadata; then B takes C's, which becomes the shared "Metadata" in its place.
      const variant = { ...metadata, properties: { source: { type: "string", pattern: "^s" } } };
      const holding = (name: string, meta: JsonObject) => event(name, { type: "object", properties: { meta } });
      const after = [holding("AV1", metadata), holding("BV1", variant), holding("CV1", variant)];
      const { patched, previous, module, fresh } = modules([holding("AV1", metadata), holding("BV1", metadata), holding("CV1", variant)], after);
      expect(patched).toBe(previous);
      expect(module).toBe(fresh);
      expect(patched.compile(after[1]!)({ meta: { source: "x" } })).toBe(false);
    });

    test("edit after edit, a patched compiler writes what a new one writes and validates as it does (property)", () => {
      // Few fields, two of them shared schemas of one title, so that edits often move what is shared.
      const fields: JsonObject[] = [
        { type: "string", pattern: "^a" },
        { type: "string", format: "email" },
        metadata,
        { ...metadata, properties: { source: { type: "string", pattern: "^s" } } },
        { title: "Tags", type: "array", items: { type: "string", pattern: "^t" } },
      ];
      const keys = ["one", "two"] as const;
      /** An event's fields, as indexes into `fields` by property name. */
      type Layout = Partial<Record<(typeof keys)[number], number>>;
      const toEvents = (layouts: readonly [string, Layout][]) =>
        layouts.map(([name, layout]) => event(`${name}V1`, { type: "object", properties: Object.fromEntries(Object.entries(layout).map(([key, index]) => [key, fields[index as number]!])) }));
      const aLayout = fc.dictionary(fc.constantFrom(...keys), fc.nat({ max: fields.length - 1 }), { maxKeys: 2 }) as fc.Arbitrary<Layout>;
      const start = fc.tuple(aLayout, aLayout, aLayout).map((layouts) => layouts.map((layout, index): [string, Layout] => [["A", "B", "C"][index]!, layout]));
      /** An author's edit: one field of one event set to another schema (or removed), an event added or removed. */
      type Edit = { at: number; key: (typeof keys)[number]; field: number | null } | { add: [string, Layout] } | { remove: number };
      const anEdit: fc.Arbitrary<Edit> = fc.oneof(
        fc.record({ at: fc.nat(), key: fc.constantFrom(...keys), field: fc.option(fc.nat({ max: fields.length - 1 })) }),
        fc.record({ add: fc.tuple(fc.constantFrom("A", "B", "C", "D"), aLayout) }),
        fc.record({ remove: fc.nat() }),
      );
      const edited = (layouts: [string, Layout][], edit: Edit): [string, Layout][] => {
        if ("add" in edit) return layouts.some(([name]) => name === edit.add[0]) ? layouts : [...layouts, edit.add];
        if ("remove" in edit) return layouts.length < 2 ? layouts : layouts.filter((_, index) => index !== edit.remove % layouts.length);
        return layouts.map(([name, layout], index): [string, Layout] => {
          if (index !== edit.at % layouts.length) return [name, layout];
          const { [edit.key]: _old, ...rest } = layout;
          return [name, edit.field === null ? rest : { ...rest, [edit.key]: edit.field }];
        });
      };
      const samples: unknown[] = [{}, { one: "a", two: 2, three: { source: "s" } }, { one: ["t"], two: "x", three: "someone@example.com" }, { one: { source: 1 }, two: 0, three: "t" }, { one: { source: "x" }, two: { source: "s" }, three: ["x"] }];
      fc.assert(
        fc.property(start, fc.array(anEdit, { minLength: 1, maxLength: 6 }), (first, edits) => {
          let layouts: [string, Layout][] = first;
          let compiler = new SchemaCompiler(toEvents(layouts));
          for (const edit of edits) {
            layouts = edited(layouts, edit);
            const events = toEvents(layouts);
            compiler = SchemaCompiler.reusing(events, compiler);
            const fresh = new SchemaCompiler(events);
            for (const one of events) {
              const [patched, made] = [compiler.compile(one), fresh.compile(one)];
              for (const sample of samples) expect([one.className, patched(sample)]).toEqual([one.className, made(sample)]);
            }
            expect(compiler.standaloneModule(exportsOf(events))).toBe(fresh.standaloneModule(exportsOf(events)));
          }
        }),
        { numRuns: 100 },
      );
    });

    test("a changed schema that holds $id is not patched: a new compiler compiles it", () => {
      const named = (city: JsonObject) => event("AddressV1", { type: "object", properties: { home: { $id: "urn:evc-test:home", type: "object", properties: { city } } } });
      const { patched, previous, module, fresh } = modules([named({ type: "string" }), shipped()], [named({ type: "number" }), shipped()]);
      expect(patched).not.toBe(previous);
      expect(module).toBe(fresh);
    });
  });
});
