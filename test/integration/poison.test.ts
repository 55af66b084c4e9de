import { randomUUID } from "node:crypto";
import type { MsgHdrs } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { encodeEvent, Header, type JsonObject, listDeadLetters, readDeadLetter, replayDeadLetter, type SubscriptionNotification } from "@evc/runtime";
import { useBus } from "../helpers/bus.js";
import { notifiedAfter } from "../helpers/notifications.js";
import { until } from "../helpers/until.js";

const fixture = useBus({ reset: true });

function recordCreated(tableId: string, data: Record<string, unknown> = {}) {
  return new sdk.RecordCreatedV1({
    id: randomUUID(),
    aggregateId: tableId,
    timestamp: new Date().toISOString(),
    metadata: {},
    data: { tableId, recordId: "r-1", fields: { name: "Ada" }, ...data },
  });
}

/** Publish an event's JSON as a producer that skips validation would: valid headers, any body. */
async function publishUnchecked(json: Record<string, unknown>): Promise<void> {
  const contract = fixture.bus.registry.get("record-created", 1);
  if (contract === undefined) throw new Error("record-created v1 is missing from the registry");
  const valid = encodeEvent(contract, jsonOf(recordCreated(String(json["aggregateId"]))), { source: "test", trace: undefined });
  await fixture.bus.jetstream.publish(valid.subject, JSON.stringify(json), { headers: valid.headers });
}

/** An event's JSON, as a mutable object. */
function jsonOf(event: sdk.RecordCreatedV1): JsonObject & { data: JsonObject } {
  return JSON.parse(JSON.stringify(event.toJSON())) as JsonObject & { data: JsonObject };
}

/** A record-created event whose data holds `keys` unknown keys: as many schema errors. */
function withUnknownKeys(tableId: string, keys: number): Record<string, unknown> {
  const json = jsonOf(recordCreated(tableId));
  for (let index = 0; index < keys; index++) json.data[`unknown_key_${index}`] = index;
  return json;
}

/** A record-created event whose body is `bytes` long (padding in an unknown key, so it is invalid). */
function ofSize(tableId: string, bytes: number): Record<string, unknown> {
  const json = jsonOf(recordCreated(tableId));
  json.data["padding"] = "";
  json.data["padding"] = "x".repeat(bytes - JSON.stringify(json).length);
  return json;
}

describe("runtime - poison messages leave the consumer's path", () => {
  test("1,000 poison messages (1,400 schema errors each, or a body near max_payload) do not stall the 200 valid events behind them", async () => {
    const tableId = `tbl-${randomUUID().slice(0, 8)}`;
    const maxPayload = fixture.bus.connection.info?.max_payload ?? 1024 * 1024;
    const nearLimit = 5;
    for (let index = 0; index < 1_000 - nearLimit; index++) await publishUnchecked(withUnknownKeys(tableId, 1_400));
    for (let index = 0; index < nearLimit; index++) await publishUnchecked(ofSize(tableId, maxPayload - 600));
    const valid = Array.from({ length: 200 }, () => recordCreated(tableId));
    await fixture.bus.publishBatch(valid);

    const handled = new Set<string>();
    const started = performance.now();
    const subscription = await fixture.bus.subscribe("record-created", (event: sdk.RecordCreatedV2) => void handled.add(event.id), { durable: "behind-poison" });
    await until(() => handled.size === 200, "the 200 valid events behind 1,000 poison messages", 60_000);
    const drained = performance.now() - started;
    await until(async () => (await fixture.bus.manager.streams.info("LATECHFORCE_DLQ")).state.messages === 1_000, "1,000 dead letters", 60_000);
    console.info(`[figures] 200 valid events behind 1,000 poison messages handled in ${Math.round(drained)} ms`);
    await fixture.bus.unsubscribe(subscription);

    expect([...handled].sort()).toEqual(valid.map((event) => event.id).sort());
    const [first] = await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 1);
    expect(first?.reason.length).toBeLessThan(2_000);
    expect(first?.reason).toMatch(/^invalid "record-created" v1: .*unknown_key_0.* and 1,39\d more issues$/);
    expect(JSON.parse(new TextDecoder().decode(first?.payload)).data.unknown_key_1399).toBe(1_399);

    const big = await readDeadLetter(fixture.bus.manager, "LATECHFORCE_DLQ", 1_000);
    expect(big).toMatchObject({ byReference: true, streamSeq: 1_000, type: "record-created" });
    expect(big?.payload.length).toBe(0);
    const info = await fixture.bus.manager.consumers.info("LATECHFORCE", "behind-poison");
    expect(info.num_ack_pending).toBe(0);
    expect(info.config.max_deliver).toBeGreaterThan(0);
  }, 180_000);

  test("a dead letter stored by reference replays the original body, checked against its digest", async () => {
    const tableId = `tbl-${randomUUID().slice(0, 8)}`;
    const maxPayload = fixture.bus.connection.info?.max_payload ?? 1024 * 1024;
    await publishUnchecked(ofSize(tableId, maxPayload - 600));
    const subscription = await fixture.bus.subscribe("record-created", () => undefined, { durable: "big-body" });
    const [letter] = await (async () => {
      await until(async () => (await fixture.bus.manager.streams.info("LATECHFORCE_DLQ")).state.messages === 1, "the dead letter");
      return listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 1);
    })();
    await fixture.bus.unsubscribe(subscription, { removeConsumers: true });
    expect(letter).toMatchObject({ byReference: true, poison: true, bodyBytes: maxPayload - 600 });
    const { stream, seq } = await replayDeadLetter(fixture.bus, "LATECHFORCE_DLQ", letter?.seq as number);
    const replayed = await fixture.bus.manager.streams.getMessage(stream, { seq });
    const original = await fixture.bus.manager.streams.getMessage("LATECHFORCE", { seq: 1 });
    expect(replayed?.data).toEqual(original?.data);
  });

  test("a dead-letter write that keeps failing terminates the message after bounded tries, with a notification and a metric", async () => {
    const tableId = `tbl-${randomUUID().slice(0, 8)}`;
    await fixture.bus.manager.streams.delete("LATECHFORCE_DLQ");
    const handled: string[] = [];
    const subscription = await fixture.bus.subscribe("record-created", (event: sdk.RecordCreatedV2) => void handled.push(event.id), { durable: "no-dlq" });
    const status = subscription.status();
    await publishUnchecked(withUnknownKeys(tableId, 3));
    await fixture.bus.publish(recordCreated(tableId));
    const failures: SubscriptionNotification[] = [];
    for await (const notification of status) {
      if (notification.type !== "dead_letter_failed") continue;
      failures.push(notification);
      if (notification.terminated) break;
    }
    await until(() => handled.length === 1, "the valid event");
    await fixture.bus.unsubscribe(subscription);
    expect(failures.map((failure) => failure.type === "dead_letter_failed" && [failure.attempt, failure.terminated])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    const info = await fixture.bus.manager.consumers.info("LATECHFORCE", "no-dlq");
    expect(info.num_ack_pending + info.num_pending + info.num_redelivered).toBe(0);
    expect(await fixture.metrics.registry.metrics()).toMatch(/evc_events_consumed_total\{type="record-created",subscription="no-dlq",outcome="dropped"\} 1/);
  });
});

describe("runtime - unknown and undecodable types are dead-lettered", () => {
  /** Publish a valid record-created body under headers changed by `change`. */
  async function publishWith(tableId: string, change: (headers: MsgHdrs) => void): Promise<void> {
    const contract = fixture.bus.registry.get("record-created", 1);
    if (contract === undefined) throw new Error("record-created v1 is missing from the registry");
    const encoded = encodeEvent(contract, jsonOf(recordCreated(tableId)), { source: "test", trace: undefined });
    change(encoded.headers);
    await fixture.bus.jetstream.publish(encoded.subject, encoded.body, { headers: encoded.headers });
  }

  test("a > subscription and a subscription to a type dead-letter a type the registry lacks and a foreign spec version; another known type is passed over", async () => {
    const tableId = `tbl-${randomUUID().slice(0, 8)}`;
    await publishWith(tableId, (headers) => headers.set(Header.type, "no-such-type"));
    await publishWith(tableId, (headers) => headers.set(Header.type, "garbage\u0007type"));
    await publishWith(tableId, (headers) => headers.set(Header.specVersion, "0.3"));
    await fixture.bus.publish(fixture.bus.create("record-deleted", { aggregateId: tableId, data: { tableId, recordId: "r-0", deletedFields: {} } }));
    const last = recordCreated(tableId);
    await fixture.bus.publish(last);
    const durables = [[">", "everything"], ["record-created", "records"]] as const;
    for (const [index, [pattern, durable]] of durables.entries()) {
      const seen: string[] = [];
      const subscription = await fixture.bus.subscribe(pattern, (event: { id: string }) => void seen.push(event.id), { durable });
      await until(async () => (await fixture.bus.manager.consumers.info("LATECHFORCE", durable)).ack_floor.stream_seq === 5, `${pattern} to settle all five messages`);
      await fixture.bus.unsubscribe(subscription);
      expect(seen).toEqual(pattern === ">" ? [expect.any(String), last.id] : [last.id]);
      // Each subscription keeps its own dead letters (a replay goes back to it).
      expect((await fixture.bus.manager.streams.info("LATECHFORCE_DLQ")).state.messages).toBe(3 * (index + 1));
    }
    const letters = await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 10);
    expect(letters.map((letter) => [letter.consumer, letter.streamSeq, letter.error])).toEqual(
      durables.flatMap(([, durable]) => [
        [durable, 1, "UnknownEventError"],
        [durable, 2, "UnknownEventError"],
        [durable, 3, "DecodeError"],
      ]),
    );
    expect(letters[2]?.reason).toMatch(/"ce-specversion" is "0.3"; the runtime reads CloudEvents 1.0/);
  });

  test("a message with no headers, as a plain NATS client publishes, is dead-lettered saying it is no evc event", async () => {
    const subject = `latechforce.table.tbl-${randomUUID().slice(0, 8)}`;
    const subscription = await fixture.bus.subscribe(">", () => undefined, { durable: "headerless" });
    await notifiedAfter(subscription, "dead_lettered", () => fixture.bus.jetstream.publish(subject, new TextEncoder().encode('{"hello":"world"}')));
    await fixture.bus.unsubscribe(subscription, { removeConsumers: true });
    const letters = await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 10);
    expect(letters.at(-1)).toMatchObject({
      error: "DecodeError",
      subject,
      reason: `cannot decode message on "${subject}": it has no "ce-specversion" header (no headers at all): not an event an evc producer published (they carry the CloudEvents 1.0 headers)`,
    });
  });
});

describe("runtime - a body must belong to its subject", () => {
  test("an event whose body names another aggregate than its subject is dead-lettered, not handled", async () => {
    const tableId = `tbl-${randomUUID().slice(0, 8)}`;
    const contract = fixture.bus.registry.get("record-created", 1);
    if (contract === undefined) throw new Error("record-created v1 is missing from the registry");
    const foreign = encodeEvent(contract, jsonOf(recordCreated("tbl-other")), { source: "test", trace: undefined });
    await fixture.bus.jetstream.publish(`latechforce.table.${tableId}`, foreign.body, { headers: foreign.headers });
    const valid = recordCreated(tableId);
    await fixture.bus.publish(valid);
    const seen: string[] = [];
    const subscription = await fixture.bus.subscribe("record-created", (event: sdk.RecordCreatedV2) => void seen.push(event.id), { durable: "own-subject" });
    await until(async () => (await fixture.bus.manager.consumers.info("LATECHFORCE", "own-subject")).ack_floor.stream_seq === 2, "both messages settled");
    await fixture.bus.unsubscribe(subscription);
    expect(seen).toEqual([valid.id]);
    const [letter] = await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 10);
    expect(letter).toMatchObject({ streamSeq: 1, poison: true, error: "DecodeError" });
    expect(letter?.reason).toContain('its body belongs on "latechforce.table.tbl-other"');
  });
});
