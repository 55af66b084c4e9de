import { cpSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, test } from "vitest";
import type { EventContract, Registry } from "@evc/runtime/codegen";
import { isContractError, ValidationError } from "@evc/runtime";
import { specWorkspace, type SpecWorkspace } from "../helpers/spec-workspace.js";
import { typecheck } from "../helpers/typecheck.js";

interface ShopClass {
  new (input: object): Record<string, unknown> & { toJSON(): unknown };
  fromJSON(json: unknown): Record<string, unknown> & { toJSON(): unknown };
  safeFromJSON(json: unknown): { success: boolean };
}

/** The generated shop SDK, typed loosely: it is generated into a temporary folder at test time. */
interface Shop {
  OrderPlacedV1: ShopClass;
  OrderPlacedV2: ShopClass;
  OrderPlacedV3: ShopClass;
  registry: Registry;
  contracts: readonly EventContract[];
  topology: { streams: readonly object[] };
}

let ws: SpecWorkspace;
let sdk: Shop;

const v1 = {
  id: "0b9f3c2e-8f1a-4c1d-9a7e-1f2d3c4b5a60",
  type: "order.placed",
  version: 1,
  aggregateId: "o-1",
  aggregateType: "order",
  timestamp: "2025-01-01T10:00:00Z",
  metadata: { correlationId: "c-1" },
  data: { orderId: "o-1", amount: 1200 },
} as const;

beforeAll(async () => {
  ws = specWorkspace();
  cpSync(join(import.meta.dirname, "../fixtures/asyncapi/shop"), join(ws.dir, "specs"), { recursive: true });
  await ws.evc("generate", "--specs", "specs");
  ws.write(
    "upcasters/shop/order-placed.ts",
    ws
      .read("upcasters/shop/order-placed.ts")
      .replace(/  throw new Error\(.*\);/, "  const { amount, currency, ...rest } = event.data;\n  return { ...event, version: 3, data: { ...rest, total: { cents: Math.round(amount), currency } } };"),
  );
  sdk = await ws.load<Shop>("generated/index.ts");
  return () => ws[Symbol.dispose]();
});

describe("generated code", () => {
  test("the whole SDK type-checks under the strictest settings, though the stream declares none of its optional settings (no description)", () => {
    expect(sdk.topology.streams[0]).toHaveProperty("description", undefined);
    expect(typecheck([join(ws.dir, "generated/index.ts"), join(ws.dir, "generated/registry.ts")])).toEqual([]);
  });

  test("the constructor fills the pinned fields, validates, and gives read-only own fields", () => {
    const { type: _type, version: _version, ...input } = v1;
    const event = new sdk.OrderPlacedV1({ ...input, data: { orderId: "o-1", amount: 5 } });
    expect(event["type"]).toBe("order.placed");
    expect(event["version"]).toBe(1);
    expect(Object.keys(event).sort()).toEqual(["aggregateId", "aggregateType", "data", "id", "metadata", "timestamp", "type", "version"]);
    expect(() => (event["data"] = {})).toThrow(TypeError);
  });

  test("an invalid event throws a ValidationError naming type, version and JSON path", () => {
    const attempt = () => new sdk.OrderPlacedV1({ ...v1, data: { orderId: "o-1", amount: -1 } });
    expect(attempt).toThrowError(ValidationError);
    expect(attempt).toThrowError('invalid "order.placed" v1: /data/amount must be >= 0');
    try {
      sdk.OrderPlacedV2.fromJSON({ ...v1, version: 2 });
    } catch (error) {
      expect(isContractError(error)).toBe(true);
      expect((error as ValidationError).issues.map((issue) => issue.instancePath)).toEqual(["/data"]);
      expect((error as Error).message).toBe("invalid \"order.placed\" v2: /data must have required property 'currency'");
      return;
    }
    throw new Error("expected a ValidationError");
  });

  test("JSON in and out round-trips, fields the schema does not name included", () => {
    const json = { ...v1, data: { ...v1.data, note: "kept" }, extra: { deep: [1, 2] } };
    const event = sdk.OrderPlacedV1.fromJSON(JSON.stringify(json));
    expect(event.toJSON()).toEqual(json);
    expect(JSON.parse(JSON.stringify(event))).toEqual(json);
    expect(sdk.OrderPlacedV1.safeFromJSON("{not json").success).toBe(false);
  });

  test("the registry upcasts v1 through the declarative step and the hand-written function to v3", () => {
    const latest = sdk.registry.upcast(structuredClone(v1) as never, "order.placed", 1);
    expect(latest).toEqual({ ...v1, version: 3, data: { orderId: "o-1", total: { cents: 1200, currency: "EUR" } } });
    const event = sdk.registry.latest("order.placed")?.create(latest);
    expect(event).toBeInstanceOf(sdk.OrderPlacedV3);
  });

  test("the registry knows subject, stream and topology from the spec", () => {
    const contract = sdk.registry.get("order.placed", 2) as EventContract;
    expect(contract.subject).toEqual({ address: "shop.order.{aggregateId}", parameters: [{ name: "aggregateId", pointer: "/aggregateId" }] });
    expect(contract.stream).toBe("SHOP");
    expect(contract.envelope).toBe(true);
    expect(sdk.topology.streams[0]).toMatchObject({ name: "SHOP", subjects: ["shop.>"], duplicateWindowMs: 120_000, deadLetter: { stream: "SHOP_DLQ" } });
  });

  test("standalone validators agree with ajv compiling the same schema, errors included", () => {
    const ajv = new Ajv({ allErrors: true, ownProperties: true, strict: false });
    addFormats.default(ajv);
    const samples = [v1, { ...v1, id: "nope" }, { ...v1, data: {} }, { ...v1, timestamp: "yesterday", version: 2 }, {}, null, "x"];
    for (const contract of sdk.contracts) {
      const compiled = ajv.compile(contract.schema as object);
      for (const sample of samples) {
        expect(contract.validate(sample)).toBe(compiled(sample));
        expect(contract.validate.errors ?? null).toEqual(compiled.errors ?? null);
      }
    }
  });
});
