import { randomUUID } from "node:crypto";
import { describe, expect, expectTypeOf, test } from "vitest";
import * as sdk from "@evc/seeds";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: true });

/** A "record-created" v2 whose metadata and open `fields` carry keys no schema names. */
function recordWithExtraKeys() {
  return new sdk.RecordCreatedV2({
    id: randomUUID(),
    aggregateId: "tbl-open",
    timestamp: new Date().toISOString(),
    metadata: { correlationId: "corr-open", tenantId: "t-1", region: { name: "eu", zone: 2 } },
    data: { tableId: "tbl-open", recordId: "r-1", createdBy: "ada", fields: { name: "Ada", age: 36, tags: ["math"] } },
  });
}

describe("open objects - extra keys are the object's own keys, on the wire and back", () => {
  test("metadata and an open `fields` object keep their extra keys through publish, the stream and a subscription", async () => {
    const event = recordWithExtraKeys();
    const ack = await fixture.bus.publish(event);

    const stored = await fixture.bus.manager.streams.getMessage("LATECHFORCE", { seq: ack.seq });
    const wire = JSON.parse(new TextDecoder().decode(stored?.data)) as { metadata: Record<string, unknown>; data: { fields: Record<string, unknown> } };
    expect(wire.metadata).toEqual({ correlationId: "corr-open", tenantId: "t-1", region: { name: "eu", zone: 2 } });
    expect(wire.metadata).not.toHaveProperty("additionalProperties");
    expect(wire.data.fields).toEqual({ name: "Ada", age: 36, tags: ["math"] });

    let received: (received: unknown) => void = () => undefined;
    const arrived = new Promise<unknown>((resolve) => (received = resolve));
    const subscription = await fixture.bus.subscribe("record-created", (handled: unknown) => received(handled), { durable: "open-objects" });
    const handled = await arrived;
    await fixture.bus.unsubscribe(subscription);

    expect(handled).toBeInstanceOf(sdk.RecordCreatedV2);
    const read = handled as sdk.RecordCreatedV2;
    expect(read.metadata["tenantId"]).toBe("t-1");
    expect(read.metadata["region"]).toEqual({ name: "eu", zone: 2 });
    expect(Object.keys(read.metadata).sort()).toEqual(["correlationId", "region", "tenantId"]);
    expect(read.data.fields).toEqual({ name: "Ada", age: 36, tags: ["math"] });
    expect(read.toJSON()).toEqual(event.toJSON());
  });
});

describe("open objects - types", () => {
  test("an open object takes extra keys beside its known fields, which keep their own types", () => {
    const metadata: sdk.EventMetadata = { correlationId: "c-1", tenantId: "t-1" };
    expectTypeOf(metadata.correlationId).toEqualTypeOf<string | undefined>();
    expectTypeOf(metadata["tenantId"]).toEqualTypeOf<unknown>();
    expectTypeOf(metadata["additionalProperties"]).toEqualTypeOf<unknown>();
    // @ts-expect-error a known field keeps its type: correlationId is a string
    const wrong: sdk.EventMetadata = { correlationId: 7 };

    const manifest: sdk.KubernetesManifest = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", team: "a" }, replicas: 2 };
    // @ts-expect-error a required known field stays required in an open object
    const missing: sdk.KubernetesManifest = { kind: "Deployment", metadata: { name: "web" } };
    expect([metadata, manifest, wrong, missing].map((value) => Object.keys(value).length)).toEqual([2, 4, 1, 2]);
  });

  test("an event built with extra metadata keys validates and keeps them", () => {
    const event = recordWithExtraKeys();
    expectTypeOf(event.metadata).toEqualTypeOf<sdk.EventMetadata>();
    expect(event.metadata).toEqual({ correlationId: "corr-open", tenantId: "t-1", region: { name: "eu", zone: 2 } });
    expect(sdk.RecordCreatedV2.fromJSON(JSON.stringify(event)).metadata["tenantId"]).toBe("t-1");
  });
});
