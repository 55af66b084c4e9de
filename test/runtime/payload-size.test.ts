import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { RecordCreatedV2 } from "@evc/seeds";
import { encodeEvent } from "@evc/runtime";
import { headerBlockBytes, headerPairs } from "../../runtime/headers.js";
import { payloadTooLarge } from "../../runtime/publish.js";

/** A record-created v2, its headers carrying a trace context and a non-ASCII source. */
function encoded(notes: string) {
  const event = new RecordCreatedV2({
    id: randomUUID(),
    aggregateId: "tbl-1",
    timestamp: "2025-12-04T10:30:00Z",
    metadata: { correlationId: "c-1", userId: "u-1" },
    data: { tableId: "tbl-1", recordId: "r-1", fields: { notes }, createdBy: "ada" },
  });
  return encodeEvent(RecordCreatedV2.contract, event as never, { source: "évc/tëst", trace: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "vendor=ü" } });
}

describe("runtime - the size of a message as NATS counts it", () => {
  test("headerBlockBytes is the length of the header block NATS.js encodes", () => {
    const message = encoded("short");
    const natsEncoded = (message.headers as unknown as { encode(): Uint8Array }).encode();
    expect(headerBlockBytes(headerPairs(message.headers))).toBe(natsEncoded.length);
    expect(natsEncoded.length).toBeGreaterThan(200);
  });

  test("payloadTooLarge: nothing at the limit, the error one byte below it", () => {
    const message = encoded("x".repeat(1000));
    const bytes = message.body.length + headerBlockBytes(headerPairs(message.headers));
    expect(payloadTooLarge(message, RecordCreatedV2.contract, bytes)).toBeUndefined();
    expect(payloadTooLarge(message, RecordCreatedV2.contract, bytes - 1)).toMatchObject({ name: "PayloadTooLargeError", bytes, limit: bytes - 1, type: "record-created", version: 2, id: message.id });
  });
});
