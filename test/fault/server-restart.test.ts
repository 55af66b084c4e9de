import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { startBus, useBus } from "../helpers/bus.js";
import { recordsCreated } from "../helpers/records.js";

const fixture = useBus({ reset: false });

describe("fault - the server killed under a publish", () => {
  test("a publish of 20,000 events through a SIGKILL and restart leaves exactly 20,000 distinct events", async () => {
    const events = recordsCreated("tbl-restart", 20_000, "restart");
    const publishing = fixture.bus.publishBatch(events, { maxInFlight: 500 });
    let stored = 0;
    while (stored < 3_000) {
      await sleep(10);
      stored = (await fixture.bus.manager.streams.info("LATECHFORCE").catch(() => ({ state: { messages: 0 } }))).state.messages;
    }
    const storedAtKill = stored;
    expect(storedAtKill).toBeLessThan(events.length);
    await fixture.server.kill();
    await sleep(300);
    await fixture.server.restart();
    const results = await publishing;
    expect(results.filter((result) => !result.ok).map((result) => (result.ok ? "" : result.error.message))).toEqual([]);

    const info = await fixture.bus.manager.streams.info("LATECHFORCE");
    expect(info.state.messages).toBe(20_000);
    const ids = new Set<string>();
    const consumer = await fixture.bus.jetstream.consumers.get("LATECHFORCE");
    const messages = await consumer.fetch({ max_messages: 20_000, expires: 10_000 });
    for await (const message of messages) {
      ids.add(message.headers?.get("ce-id") ?? "");
      if (ids.size === 20_000 || message.info.pending === 0) break;
    }
    expect(ids.size).toBe(20_000);
  }, 180_000);
});

describe("fault - closing while the server is gone", () => {
  test("close() ends the connection even when it cannot drain, and a second close() is harmless", async () => {
    const own = await startBus();
    try {
      const subscription = await own.bus.subscribe(sdk.RecordCreated, () => undefined, { durable: "closing-offline" });
      expect(subscription.options.durable).toBe("closing-offline");
      await own.server.kill();
      await own.bus.close();
      expect(own.bus.connection.isClosed()).toBe(true);
      await own.bus.close();
    } finally {
      await own.server[Symbol.asyncDispose]();
    }
  }, 60_000);
});
