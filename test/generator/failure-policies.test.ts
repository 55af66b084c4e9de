import { describe, expect, test } from "vitest";
import { errorsOf, lineOf, shopWith } from "../helpers/shop-spec.js";
import { writeShopUpcaster } from "../helpers/spec-workspace.js";

const withPolicies = (policies: string) => (spec: string) => spec.replace("      subjects: ['shop.>']\n", `      subjects: ['shop.>']\n      deadLetter:\n        policies:\n${policies}`);

describe("generator - dead-letter policies by category", () => {
  test("the policies are carried into the generated topology", async () => {
    using ws = shopWith(withPolicies("          orders: { events: [order.placed], retry: { maxDeliver: 2, backoff: [1s, 1m] } }\n          invalid: { deadLetter: immediate }\n"));
    await ws.evc("generate", "--specs", "specs");
    writeShopUpcaster(ws);
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const registry = ws.read("generated/registry.ts").replace(/\s+/g, "");
    expect(registry).toContain('"policies":[{"category":"orders","events":["order.placed"],"onFailure":"retry","maxDeliver":2,"backoffMs":[1000,60000],},{"category":"invalid","events":[],"onFailure":"dead-letter",},]');
  });

  test("a policy must say what its failures lead to, once, and an event type belongs to one category", async () => {
    using ws = shopWith(
      withPolicies(
        ["          both: { retry: { maxDeliver: 2 }, discard: true }", "          orders: { events: [order.placed], discard: true }", "          again: { events: [order.placed], deadLetter: immediate }", ""].join("\n"),
      ),
    );
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, "both:")}:11: error: invalid "x-evc-jetstream": category "both" must say what its failures lead to with exactly one of retry, deadLetter: immediate, discard: true; it has retry and discard (evc-invalid-extension)`,
      `specs/shop.yaml:${lineOf(ws, "again:")}:29: error: invalid "x-evc-jetstream": "order.placed" is already in category "orders"; an event type belongs to one category (evc-invalid-extension)`,
    ]);
  });

  test("a malformed policy is reported at the offending field", async () => {
    using ws = shopWith(withPolicies("          orders: { events: [order.placed], deadLetter: later, retry: { maxDeliver: 0 } }\n"));
    expect((await errorsOf(ws)).sort()).toEqual([
      `specs/shop.yaml:${lineOf(ws, "orders:")}:45: error: invalid "x-evc-jetstream": /streams/SHOP/deadLetter/policies/orders/deadLetter must be "immediate" (evc-invalid-extension)`,
      `specs/shop.yaml:${lineOf(ws, "orders:")}:73: error: invalid "x-evc-jetstream": /streams/SHOP/deadLetter/policies/orders/retry/maxDeliver must be >= 1 (evc-invalid-extension)`,
    ]);
  });

  test("an event type no message on the stream has is an error at the pattern", async () => {
    using ws = shopWith(withPolicies("          orders: { events: [order.placed, order.shipped], discard: true }\n"));
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, "orders:")}:44: error: dead-letter policy "orders" of stream SHOP names "order.shipped", which matches no event type on the stream (evc-policy-unknown-event)`,
    ]);
  });
});
