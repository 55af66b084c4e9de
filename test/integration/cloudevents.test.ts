import { randomUUID } from "node:crypto";
import { HTTP, type CloudEvent } from "cloudevents";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { Header } from "@evc/runtime";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: false });

/** The values the CloudEvents NATS binding says to percent-encode: spaces, quotes, `%` and non-ASCII. */
const source = 'urn:shop "front desk" 100% ünïcødé € 😀';
const correlationId = 'order 42 "rush" 50%';

describe("wire - CloudEvents headers", () => {
  test("are percent-encoded as the NATS binding asks, carry ce-datacontenttype, and the cloudevents SDK reads them back as a binary-mode event", async () => {
    const agentId = `agent-${randomUUID().slice(0, 8)}`;
    const event = new sdk.AgentRegisteredV1({
      id: randomUUID(),
      aggregateId: agentId,
      timestamp: "2026-12-01T10:00:00Z",
      metadata: { source, correlationId },
      data: { agent_id: agentId, model: "m", capabilities: ["deploy"] },
    });
    const ack = await fixture.bus.publish(event);
    const stored = await fixture.bus.manager.streams.getMessage(ack.stream, { seq: ack.seq });
    const headers = Object.fromEntries([...(stored?.header ?? [])].map(([name, values]) => [name.toLowerCase(), values.join(",")]));
    for (const [name, value] of Object.entries(headers)) if (name.startsWith("ce-")) expect(value, name).toMatch(/^[\x21\x23\x24\x26-\x7e%]*$/);
    expect(headers[Header.source]).toBe("urn:shop%20%22front%20desk%22%20100%25%20%C3%BCn%C3%AFc%C3%B8d%C3%A9%20%E2%82%AC%20%F0%9F%98%80");
    expect(headers[Header.dataContentType]).toBe("application/json");

    const read = HTTP.toEvent({ headers, body: new TextDecoder().decode(stored?.data) });
    const ce = (Array.isArray(read) ? read[0] : read) as (CloudEvent<unknown> & Record<string, unknown>) | undefined;
    expect(ce).toMatchObject({ specversion: "1.0", id: event.id, type: "agent.registered", datacontenttype: "application/json", subject: agentId, time: "2026-12-01T10:00:00.000Z" });
    // The JavaScript SDK (10.0.0) hands header values over as they are; the binding's one round of
    // percent-decoding gives back the values that were published.
    expect(decodeURIComponent(String(ce?.source))).toBe(source);
    expect(decodeURIComponent(String(ce?.["correlationid"]))).toBe(correlationId);
    expect(ce?.validate?.()).toBe(true);
  });
});
