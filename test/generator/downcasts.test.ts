import { describe, expect, test } from "vitest";
import { errorsOf, lineOf, shopWith } from "../helpers/shop-spec.js";
import { shopUpcaster, writeShopUpcaster } from "../helpers/spec-workspace.js";

const v3Downcast = (steps: string) => (spec: string) => spec.replace("        version: 3\n        upcast: function\n", `        version: 3\n        upcast: function\n        downcast:\n${steps}`);

describe("generator - downcasts", () => {
  test("the verdict and the declared downcast are written into the contracts", async () => {
    using ws = shopWith(
      v3Downcast(
        [
          "          - move: { from: /data/total/cents, to: /data/amount }",
          "          - move: { from: /data/total/currency, to: /data/currency }",
          "          - drop: /data/total",
          "",
        ].join("\n"),
      ),
    );
    await ws.evc("generate", "--specs", "specs");
    writeShopUpcaster(ws);
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const v2 = ws.read("generated/shop/order-placed.v2.ts");
    const v3 = ws.read("generated/shop/order-placed.v3.ts");
    expect(v2).toContain("  readableByPrevious: true,\n  downcast: undefined,\n");
    expect(v3).toContain("  readableByPrevious: false,\n  downcast: $evc.stepsDowncaster([\n");
    expect(v3).toContain('{ "op": "move", "from": "/data/total/cents", "to": "/data/amount" }');
  });

  test("a downcast that does not turn the examples into valid events of the version before is an error at x-evc.downcast", async () => {
    using ws = shopWith(v3Downcast("          - move: { from: /data/total/cents, to: /data/amount }\n"));
    const errors = (await errorsOf(ws)).filter((line) => line.includes("evc-downcast"));
    expect(errors).toEqual([
      `specs/shop.yaml:${lineOf(ws, "downcast:", "OrderPlacedV3:")}:9: error: the downcast of "order.placed" v3 turns its example into an invalid v2: /data must have required property 'currency' (evc-downcast-invalid)`,
    ]);
  });

  test("a downcast on a first version is an error", async () => {
    using ws = shopWith((spec) => spec.replace("x-evc: { version: 1 }", "x-evc: { version: 1, downcast: [{ drop: /data/status }] }"));
    const errors = (await errorsOf(ws)).filter((line) => line.includes("evc-downcast"));
    expect(errors).toEqual([`specs/shop.yaml:${lineOf(ws, "x-evc: { version: 1")}:28: error: "order.placed" v1 declares a downcast, but there is no version before it (evc-downcast-on-first)`]);
  });

  test("a malformed downcast is reported at x-evc.downcast, a misspelled step at its name", async () => {
    using ws = shopWith(v3Downcast("          - shift: /data/total\n"));
    const errors = (await errorsOf(ws)).filter((line) => line.includes("evc-invalid-extension"));
    expect(errors).toEqual([`specs/shop.yaml:${lineOf(ws, "- shift:", "OrderPlacedV3:")}:13: error: invalid "x-evc" of message "OrderPlacedV3": /downcast/0 has unknown field "shift" (evc-invalid-extension)`]);
    using notAList = shopWith(v3Downcast("            drop: /data/total\n"));
    expect((await errorsOf(notAList)).filter((line) => line.includes("evc-invalid-extension"))).toEqual([
      `specs/shop.yaml:${lineOf(notAList, "downcast:", "OrderPlacedV3:")}:9: error: invalid "x-evc" of message "OrderPlacedV3": /downcast must be "function", "inverse" (the upcast steps undone) or a list of steps (rename, move, default, drop) towards the previous version's shape (evc-invalid-extension)`,
    ]);
  });

  test("a version written as a string is one error, not also a duplicate v1", async () => {
    using ws = shopWith((spec) => spec.replace("        version: 3\n", '        version: "3"\n'));
    const errors = await errorsOf(ws);
    expect(errors).toEqual([`specs/shop.yaml:${lineOf(ws, 'version: "3"', "OrderPlacedV3:")}:9: error: invalid "x-evc" of message "OrderPlacedV3": /version must be integer (evc-invalid-extension)`]);
  });

  test("a hand-written downcaster gets a typed stub in upcasters/, is an error until written, then is wired into the contract", async () => {
    using ws = shopWith((spec) => spec.replace("        version: 3\n        upcast: function\n", "        version: 3\n        upcast: function\n        downcast: function\n"));
    const first = await ws.evc("generate", "--specs", "specs");
    expect(first.code).toBe(1);
    const stub = ws.read(shopUpcaster);
    expect(stub).toContain("export function downcastOrderPlacedV3ToV2(event: OrderPlacedV3Json): OrderPlacedV2Json {");
    const line = stub.slice(0, stub.indexOf("export function downcastOrderPlacedV3ToV2")).split("\n").length;
    expect(first.stderr).toContain(
      `${shopUpcaster}:${line}:1: error: downcastOrderPlacedV3ToV2 is not written yet: "order.placed" v3 events cannot be read by consumers of v2 until it is (write its body) (evc-unwritten-upcaster)`,
    );
    writeShopUpcaster(ws);
    ws.write(
      shopUpcaster,
      ws.read(shopUpcaster).replace(/  throw new Error\(.*\);/, "  return { ...event, version: 2, data: { orderId: event.data.orderId, amount: event.data.total.cents, currency: event.data.total.currency } };"),
    );
    const second = await ws.evc("generate", "--specs", "specs");
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    const v3 = ws.read("generated/shop/order-placed.v3.ts");
    expect(v3).toContain("  downcast: $evc.functionDowncaster(downcastOrderPlacedV3ToV2),\n");
    expect(v3).toMatch(/import \{ downcastOrderPlacedV3ToV2, upcastOrderPlacedV2ToV3 \} from "..\/..\/upcasters\/shop\/order-placed.js";/);
  });

  test("inverse undoes the upcast steps, and is an error where the upcast is a function", async () => {
    using ws = shopWith((spec) =>
      spec
        .replace("          - default: { path: /data/currency, value: EUR }\n", "          - default: { path: /data/currency, value: EUR }\n        downcast: inverse\n")
        .replace("        version: 3\n        upcast: function\n", "        version: 3\n        upcast: function\n        downcast: inverse\n"),
    );
    const errors = (await errorsOf(ws)).filter((line) => line.includes("evc-invalid-extension"));
    expect(errors).toEqual([
      `specs/shop.yaml:${lineOf(ws, "downcast: inverse", "upcast: function")}:9: error: invalid "x-evc" of message "OrderPlacedV3": /downcast cannot be "inverse": the upcast is a hand-written function; write the downcast steps or "function" (evc-invalid-extension)`,
    ]);
    ws.write("specs/shop.yaml", ws.read("specs/shop.yaml").replace("        upcast: function\n        downcast: inverse\n", "        upcast: function\n"));
    await ws.evc("generate", "--specs", "specs");
    writeShopUpcaster(ws);
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(ws.read("generated/shop/order-placed.v2.ts")).toContain('  downcast: $evc.stepsDowncaster([\n    { "op": "drop", "path": "/data/currency" },\n  ]),\n');
  });
});
