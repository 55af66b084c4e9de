import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, expectTypeOf, test } from "vitest";
import * as sdk from "@evc/seeds";
import { loadContracts } from "@evc/cli";
import { ValidationError } from "@evc/runtime";

const envelope = {
  id: "8f14e45f-ceea-467f-a8e0-7a4b1e0f7d11",
  aggregateId: "tbl-contacts",
  timestamp: "2025-12-04T10:30:00Z",
  metadata: { correlationId: "c-1", userId: "user-ada" },
};

describe("generated SDK - types", () => {
  test("a class takes its fields, pins type, version and aggregate type, and types every field", () => {
    const event = new sdk.RecordCreatedV2({ ...envelope, data: { tableId: "tbl-contacts", recordId: "r-1", fields: { name: "Ada" }, createdBy: "user-ada" } });
    expect(event).toMatchObject({ type: "record-created", version: 2, aggregateType: "table" });
    expectTypeOf(event.type).toEqualTypeOf<"record-created">();
    expectTypeOf(event.version).toEqualTypeOf<2>();
    expectTypeOf(event.data.createdBy).toEqualTypeOf<string>();
    expectTypeOf(event.data.fields).toEqualTypeOf<Record<string, unknown>>();
    // @ts-expect-error v2 requires createdBy
    expect(() => new sdk.RecordCreatedV2({ ...envelope, data: { tableId: "t", recordId: "r", fields: {} } })).toThrowError(ValidationError);
  });

  test("an event is frozen: its fields cannot be reassigned, deleted or added to", () => {
    const event = new sdk.RecordCreatedV1({ ...envelope, data: { tableId: "tbl-contacts", recordId: "r-1", fields: {} } });
    expect(Object.isFrozen(event)).toBe(true);
    expect(() => Object.assign(event, { aggregateId: "other" })).toThrowError(TypeError);
    expect(Reflect.deleteProperty(event, "id")).toBe(false);
    expect(Reflect.set(event, "extra", 1)).toBe(false);
    expect(event.aggregateId).toBe("tbl-contacts");
  });

  test("the union of every event is discriminated by type and version", () => {
    const describe = (event: sdk.AnyEvent): string => {
      if (event.type === "record-created") {
        if (event.version === 2) {
          expectTypeOf(event).toEqualTypeOf<sdk.RecordCreatedV2>();
          return event.data.createdBy;
        }
        expectTypeOf(event).toEqualTypeOf<sdk.RecordCreatedV1>();
        return "v1";
      }
      if (event.type === "model.registered" && event.version === 3) return event.data.model.id;
      return event.type;
    };
    const v3 = sdk.ModelRegisteredV3.fromJSON({
      ...envelope,
      type: "model.registered",
      version: 3,
      aggregateId: "770e8400-e29b-41d4-a716-446655440003",
      aggregateType: "model_catalog",
      data: { model: { id: "m", version: "v1", checksum: "sha256:1" }, task_type: "txt2embed" },
    });
    expect(describe(v3)).toBe("m");
    expectTypeOf<sdk.LatestEvents["record-created"]>().toEqualTypeOf<sdk.RecordCreatedV2>();
    expectTypeOf<sdk.EventVersions["model.registered"][1]>().toEqualTypeOf<sdk.ModelRegisteredV1>();
    expectTypeOf<sdk.RecordCreated>().toEqualTypeOf<sdk.RecordCreatedV1 | sdk.RecordCreatedV2>();
    expect(sdk.EventType.ExecutionCompleted).toBe("execution_completed");
  });

  test("enums become unions of their values", () => {
    expectTypeOf<sdk.CodegenStep>().toEqualTypeOf<"GET_OR_CREATE_GRAPH" | "GET_PROMPT" | "LLM_CALL" | "BUILD_KUBERNETES_GRAPH" | "VALIDATE_CONFIGURATIONS">();
  });
});

describe("generated SDK - validators", () => {
  test("every standalone validator agrees with ajv compiling the same schema, errors included, on examples and their mutations", async () => {
    // A shared schema (the envelope) is validated by its own function, so ajv gives the schema path
    // of an error inside it from that schema's root: "#/type" where the whole schema says "#/allOf/0/type".
    const withoutSchemaPath = (errors: readonly ErrorObject[] | null | undefined) => (errors ?? []).map(({ schemaPath: _path, ...error }) => error);
    const { model } = await loadContracts({ specs: "asyncapi", cwd: process.cwd(), allowRemoteRefs: false });
    const ajv = new Ajv({ allErrors: true, ownProperties: true, strict: false });
    addFormats.default(ajv);
    let compared = 0;
    for (const event of model.events) {
      const contract = sdk.registry.get(event.type, event.version);
      if (contract === undefined) throw new Error(`no contract for ${event.type} v${event.version}`);
      const reference = ajv.compile(contract.schema as object);
      for (const example of event.examples) {
        for (const sample of mutations(example.payload)) {
          expect(contract.validate(sample)).toBe(reference(sample));
          expect(withoutSchemaPath(contract.validate.errors)).toEqual(withoutSchemaPath(reference.errors));
          (contract.validate.errors ?? []).forEach((error, index) => expect(reference.errors?.[index]?.schemaPath.endsWith(error.schemaPath.slice(1))).toBe(true));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(model.events.length * 10);
  });
});

/** The value, and variants of it that break one thing each: a field removed, retyped, or added. */
function mutations(value: unknown): unknown[] {
  const variants: unknown[] = [value, null, [], "text"];
  const visit = (node: unknown, replace: (next: unknown) => unknown): void => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return;
    for (const key of Object.keys(node)) {
      const record = node as Record<string, unknown>;
      const { [key]: removed, ...rest } = record;
      variants.push(replace(rest));
      variants.push(replace({ ...record, [key]: typeof removed === "string" ? 42 : "42" }));
      visit(removed, (next) => replace({ ...record, [key]: next }));
    }
    variants.push(replace({ ...(node as object), unexpected: true }));
  };
  visit(value, (next) => next);
  return variants;
}

describe("generated SDK - shared schemas", () => {
  test("each contract's schema is self-contained JSON, equal to the spec's payload schema, though composed of shared constants", async () => {
    const { model } = await loadContracts({ specs: "asyncapi", cwd: process.cwd(), allowRemoteRefs: false });
    for (const event of model.events) {
      const schema = sdk.registry.get(event.type, event.version)?.schema;
      expect(JSON.stringify(schema)).not.toContain("evc:/");
      expect(JSON.parse(JSON.stringify(schema))).toEqual(event.schema);
    }
  });

  test("the envelope is written once in the contracts and validated by one function", () => {
    const generatedText = (path: string) => readFileSync(join("generated", path), "utf8");
    const files = readdirSync("generated", { recursive: true, encoding: "utf8" }).filter((path) => path.endsWith(".ts"));
    const envelopes = files.filter((path) => generatedText(path).includes("(seed 003's MUST fields)"));
    expect(envelopes).toEqual(["schemas.ts"]);
    // Inlined in each event's function, the check would sit under "#/allOf/0/..." once per event.
    expect(generatedText("validators.ts").match(/schemaPath:"#\/properties\/aggregateId\/minLength"/g)).toHaveLength(1);
  });
});
