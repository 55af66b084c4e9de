import { describe, expect, test } from "vitest";
import { errorsOf, lineOf, shopWith } from "../helpers/shop-spec.js";
import { specWorkspace } from "../helpers/spec-workspace.js";

describe("generator - rules of our own specs", () => {
  test("a message version without an example is an error at the message", async () => {
    using ws = shopWith((spec) => spec.replace(/      examples:\n        - payload:\n            id: 0b9f3c2e-8f1a-4c1d-9a7e-1f2d3c4b5a61[\s\S]*?data: \{ orderId: o-2[^\n]*\n/, ""));
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, "OrderPlacedV2:", "components:")}:5: error: "order.placed" v2 has no example; every version of our own events needs at least one (evc-missing-example)`,
    ]);
  });

  test("an invalid example is reported at the field that fails, with the JSON path", async () => {
    const line = "            data: { orderId: o-1, amount: -5 }";
    using ws = shopWith((spec) => spec.replace("data: { orderId: o-1, amount: 1200 }", "data: { orderId: o-1, amount: -5 }"));
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, line)}:${line.indexOf("amount: -5") + 1}: error: example "small" of "order.placed" v1 is invalid: /data/amount must be >= 0 (evc-invalid-example)`,
      `specs/shop.yaml:${lineOf(ws, "OrderPlacedV2:", "components:")}:5: error: the upcast of "order.placed" v2 turns the v1 example "small" into an invalid v2: /data/amount must be >= 0 (evc-upcast-invalid)`,
    ]);
  });

  test("an example that breaks a const pin names the value the pin wants", async () => {
    using ws = shopWith((spec) => spec.replace("            type: order.placed\n            version: 1\n            aggregateId: o-1", "            type: order.placed\n            version: 3\n            aggregateId: o-1"));
    const errors = await errorsOf(ws);
    expect(errors.some((line) => line.includes('example "small" of "order.placed" v1 is invalid: /version must be equal to constant (1)'))).toBe(true);
  });

  test("pins that disagree with the message are errors", async () => {
    using ws = shopWith((spec) => spec.replace("version: { const: 2 }", "version: { const: 7 }"));
    const errors = await errorsOf(ws);
    expect(errors.some((line) => line.includes('"order.placed" v2: the payload must pin "version" with const 2, not 7 (evc-pin-mismatch)'))).toBe(true);
  });

  test("a declarative upcast that does not produce a valid next version is an error", async () => {
    using ws = shopWith((spec) => spec.replace("- default: { path: /data/currency, value: EUR }", "- default: { path: /data/currency, value: EURO }"));
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, "OrderPlacedV2:", "components:")}:5: error: the upcast of "order.placed" v2 turns the v1 example "small" into an invalid v2: /data/currency must NOT have more than 3 characters (evc-upcast-invalid)`,
    ]);
  });

  test("a version with no upcast has no path to the latest version", async () => {
    using ws = shopWith((spec) => spec.replace("        version: 3\n        upcast: function\n", "        version: 3\n"));
    const errors = await errorsOf(ws);
    expect(errors).toEqual([
      `specs/shop.yaml:${lineOf(ws, "OrderPlacedV3:", "components:")}:5: error: "order.placed" v3 declares no x-evc.upcast: events of v2 have no path to the latest version v3 (evc-missing-upcast)`,
    ]);
  });

  test("a gap between versions is an error", async () => {
    using ws = shopWith((spec) => spec.replace("version: 3\n        upcast: function", "version: 4\n        upcast: function").replace("version: { const: 3 }", "version: { const: 4 }").replace("            version: 3\n", "            version: 4\n"));
    const errors = await errorsOf(ws);
    expect(errors).toContain(`specs/shop.yaml:${lineOf(ws, "OrderPlacedV3:", "components:")}:5: error: "order.placed" has v4 but no v3; versions run 1, 2, 3, ... without gaps (evc-version-gap)`);
  });

  test("after a gap, upcast steps are checked only against the examples of the version before, which is missing: the gap is the one error", async () => {
    const gap = (spec: string) =>
      spec
        .replace("version: 3\n        upcast: function", "version: 4\n        upcast:\n          - rename: { from: /data/orderId, to: /data/order }")
        .replace("version: { const: 3 }", "version: { const: 4 }")
        .replace("            version: 3\n", "            version: 4\n");
    using ws = shopWith(gap);
    expect(await errorsOf(ws)).toEqual([`specs/shop.yaml:${lineOf(ws, "OrderPlacedV3:", "components:")}:5: error: "order.placed" has v4 but no v3; versions run 1, 2, 3, ... without gaps (evc-version-gap)`]);
  });

  test("a malformed x-evc is reported at the offending field", async () => {
    using ws = shopWith((spec) => spec.replace("x-evc: { version: 1 }", "x-evc: { version: 1, compatibility: SIDEWAYS, color: red }"));
    const line = lineOf(ws, "x-evc: { version: 1");
    expect((await errorsOf(ws)).sort()).toEqual([
      `specs/shop.yaml:${line}:28: error: invalid "x-evc" of message "OrderPlacedV1": /compatibility must be one of "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE" (evc-invalid-extension)`,
      `specs/shop.yaml:${line}:53: error: invalid "x-evc" of message "OrderPlacedV1": has unknown field "color" (evc-invalid-extension)`,
    ]);
  });

  test("a channel no declared stream captures is an error", async () => {
    using ws = shopWith((spec) => spec.replace("subjects: ['shop.>']", "subjects: ['store.>']"));
    const errors = await errorsOf(ws);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/error: "order\.placed" v1: no stream of x-evc-jetstream captures subject "shop\.order\.\{aggregateId\}" \(evc-no-stream\)$/);
  });

  test("a malformed x-evc-jetstream is reported at the offending field", async () => {
    using ws = shopWith((spec) => spec.replace("subjects: ['shop.>']", "subjects: ['shop.>']\n      duplicateWindow: 2 minutes\n      replicas: 9"));
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, "duplicateWindow")}:7: error: invalid "x-evc-jetstream": /streams/SHOP/duplicateWindow must be a duration such as 500ms, 30s, 5m, 2h or 7d (evc-invalid-extension)`,
      `specs/shop.yaml:${lineOf(ws, "replicas: 9")}:7: error: invalid "x-evc-jetstream": /streams/SHOP/replicas must be <= 5 (evc-invalid-extension)`,
    ]);
  });

  test("an event-sourced aggregate type that no event of the stream has is an error at the list item", async () => {
    using ws = shopWith((spec) => spec.replace("subjects: ['shop.>']", "subjects: ['shop.>']\n      eventSourced: [order, basket]"));
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, "eventSourced")}:29: error: stream SHOP lists "basket" as event-sourced, but no event on it has that aggregate type (its aggregate types: "order") (evc-unknown-aggregate)`,
    ]);
  });

  test("an event-sourced aggregate on a stream that does not keep its events is an error at the list item", async () => {
    using ws = shopWith((spec) => spec.replace("subjects: ['shop.>']", "subjects: ['shop.>']\n      retention: workqueue\n      eventSourced: [order]"));
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, "eventSourced")}:22: error: stream SHOP lists "order" as event-sourced, but has workqueue retention: the event store reads every event of an aggregate back, so the stream must keep them (retention: limits) (evc-event-sourced-retention)`,
    ]);
  });

  test("malformed buckets are reported at the offending field", async () => {
    using ws = shopWith((spec) => spec.replace("      subjects: ['shop.>']\n", "      subjects: ['shop.>']\n  buckets:\n    evc-sagas:\n      replicas: 9\n      history: 0\n      ttl: 1 hour\n      size: 5\n"));
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, "replicas: 9")}:7: error: invalid "x-evc-jetstream": /buckets/evc-sagas/replicas must be <= 5 (evc-invalid-extension)`,
      `specs/shop.yaml:${lineOf(ws, "history: 0")}:7: error: invalid "x-evc-jetstream": /buckets/evc-sagas/history must be >= 1 (evc-invalid-extension)`,
      `specs/shop.yaml:${lineOf(ws, "ttl: 1 hour")}:7: error: invalid "x-evc-jetstream": /buckets/evc-sagas/ttl must be a duration such as 500ms, 30s, 5m, 2h or 7d (evc-invalid-extension)`,
      `specs/shop.yaml:${lineOf(ws, "size: 5")}:7: error: invalid "x-evc-jetstream": /buckets/evc-sagas has unknown field "size" (evc-invalid-extension)`,
    ]);
  });

  test("a bucket with fewer replicas than a stream, or too small for one value, is an error at its field", async () => {
    using ws = shopWith((spec) =>
      spec.replace("      subjects: ['shop.>']\n", "      subjects: ['shop.>']\n      replicas: 3\n  buckets:\n    evc-snapshots:\n      replicas: 1\n      maxBytes: 1000\n      maxValueBytes: 4096\n"),
    );
    expect(await errorsOf(ws)).toEqual([
      `specs/shop.yaml:${lineOf(ws, "replicas: 1")}:7: error: invalid "x-evc-jetstream": replicas 1 is below the 3 of stream SHOP: the bucket would not survive what the events survive; give it at least 3 (evc-invalid-extension)`,
      `specs/shop.yaml:${lineOf(ws, "maxBytes: 1000")}:7: error: invalid "x-evc-jetstream": maxBytes (1000) must be at least maxValueBytes (4096): the bucket could not hold one value of the largest size (evc-invalid-extension)`,
    ]);
  });

  test("two types that would generate the same class are an error", async () => {
    using ws = specWorkspace({
      "specs/a.yaml": `asyncapi: 3.0.0
info: { title: A, version: 1.0.0 }
channels:
  c:
    address: c
    messages:
      One: { name: order-placed, payload: { type: object } }
      Two: { name: order.placed, payload: { type: object, properties: { a: { type: string } } } }
`,
    });
    const errors = await errorsOf(ws);
    expect(errors).toEqual([
      'specs/a.yaml:8:7: error: "order.placed" v1 and "order-placed" would both generate class OrderPlacedV1; rename one of the types (evc-name-collision)',
    ]);
  });
});
