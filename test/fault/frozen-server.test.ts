/**
 * A server that stops answering for longer than a publish waits for its ack (a pause of its host, its
 * disk or the network; `freeze` stops the process and lets it run on), then answers again: the
 * attempt that timed out was stored, and its retry is answered as a duplicate.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { connect, PublishTimeoutError, type EventBus } from "@evc/runtime";
import { createEventStore, type EventStore } from "@evc/runtime/store";
import { contextUpdated } from "../../demo/context-aggregate.js";
import { useBus } from "../helpers/bus.js";
import { contextCreated } from "../helpers/contexts.js";
import { recordsCreated } from "../helpers/records.js";

const fixture = useBus({ reset: false });
/** A bus that waits 300 ms for an ack before it sends the publish again. */
let impatient: EventBus;
let store: EventStore;

beforeAll(async () => {
  impatient = await connect({ registry: sdk.registry, servers: fixture.server.url, service: "impatient", publishTimeoutMs: 300 });
  store = await createEventStore(impatient);
});
afterAll(() => impatient.close());

describe("fault - a frozen server under an append", () => {
  test("an append of three events whose first ack is lost to a freeze stores all three and says so", async () => {
    const ref = { aggregateType: "context", aggregateId: `ctx-${randomUUID().slice(0, 8)}` };
    await store.append(ref, [contextCreated(ref.aggregateId)], { expectedVersion: 0 });
    const updates = ["a", "b", "c"].map((name) => contextUpdated(ref.aggregateId, { name }, "user-1"));
    fixture.server.freeze(700);
    const result = await store.append(ref, updates, { expectedVersion: 1 });
    expect(result).toMatchObject({ version: 4, duplicate: false });
    expect(result.acks.map((ack) => ack.id)).toEqual(updates.map((event) => event.id));
    const loaded = await store.load(ref);
    expect(loaded.version).toBe(4);
    expect(loaded.events.map((stored) => stored.seq)).toEqual([expect.any(Number), ...result.acks.map((ack) => ack.seq)]);
    expect(loaded.events.map((stored) => stored.aggregateVersion)).toEqual([1, 2, 3, 4]);
    // The same append run again finds every event in place: nothing more is written.
    const again = await store.append(ref, updates, { expectedVersion: 1 });
    expect(again).toMatchObject({ version: 4, duplicate: true, acks: [] });
    expect((await store.load(ref)).version).toBe(4);
  });
});

describe("fault - a server frozen for longer than a publish may retry", () => {
  test("the publish fails with PublishTimeoutError, which says how many tries it sent and how long it waited in all", async () => {
    const hasty = await connect({ registry: sdk.registry, servers: fixture.server.url, service: "hasty", publishTimeoutMs: 300, publishRetryMs: 400 });
    try {
      const [event] = recordsCreated(`tbl-${randomUUID().slice(0, 8)}`, 1, "hasty");
      fixture.server.freeze(2_500);
      const failure = await hasty.publish(event as sdk.RecordCreatedV2).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PublishTimeoutError);
      // The time told runs from the first try: each try waits publishTimeoutMs for its ack, beyond the retry budget.
      expect((failure as Error).message).toMatch(
        new RegExp(`^publish of event "${event?.id}" on "latechforce\\.table\\.tbl-[0-9a-f]{8}" was not acknowledged after \\d+ tr(?:y|ies) in \\d+ ms; it may have been stored, publish it again with the same id$`),
      );
    } finally {
      await hasty.close();
    }
  });
});
