/**
 * Handlers that finish after their connection closed, on a real nats-server. Their acknowledgement
 * (an ack, or a nak with a delay), the batched acks of the next turn and the feed's keep-alive
 * ticks all go to a connection that is gone: nothing may escape as an uncaught error and end the
 * service, and the server, which still holds the event, delivers it again to the next connection
 * once its ack wait has run out, so that nothing is lost.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, test } from "vitest";
import { RecordCreated, type LatestEvents, type RecordCreatedV2 } from "@evc/seeds";
import { connect, type EventBus, type StreamSpec } from "@evc/runtime";
import { limitedRegistry } from "../helpers/limited-registry.js";
import { startNatsServer, type NatsServer } from "../helpers/nats-server.js";
import { until } from "../helpers/until.js";

type Bus = EventBus<LatestEvents>;

/** LATECHFORCE consumers wait 900 ms for an ack, so a held message is kept alive every 300 ms. */
const registry = limitedRegistry({ consumer: { ackWaitMs: 900, maxDeliver: 5, backoffMs: [100], maxAckPending: 1_000 } } satisfies Partial<StreamSpec>);

const escaped: unknown[] = [];
const recordEscape = (error: unknown) => escaped.push(error);
let cleanup: () => Promise<void> = async () => undefined;
afterEach(async () => {
  process.off("uncaughtException", recordEscape);
  process.off("unhandledRejection", recordEscape);
  escaped.length = 0;
  await cleanup();
});

async function busOn(server: NatsServer): Promise<Bus> {
  return connect({ registry, servers: server.url, service: "evc-lost" });
}

describe("a connection that closes under a running handler", () => {
  test.each([
    ["returns", async () => undefined],
    ["throws", async () => Promise.reject(new Error("downstream unavailable"))],
  ])("a handler that %s after the close sends nothing, throws nothing, and its event comes again on a new connection", async (_, finish) => {
    const server = await startNatsServer();
    const first = await busOn(server);
    const second = await busOn(server);
    cleanup = async () => {
      await first.close();
      await second.close();
      await server[Symbol.asyncDispose]();
    };
    process.on("uncaughtException", recordEscape);
    process.on("unhandledRejection", recordEscape);
    const event = first.create(RecordCreated, { aggregateId: "tbl-lost", data: { tableId: "tbl-lost", recordId: `r-${randomUUID().slice(0, 8)}`, fields: {}, createdBy: "ada" } });
    await first.publish(event);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let finished = false;
    await first.subscribe(RecordCreated, async () => {
      started = true;
      // Longer than the ack wait: the feed's keep-alive ticks while the connection is closed.
      await gate;
      finished = true;
      return finish();
    });
    await until(() => started, "the handler to start");
    await first.connection.close();
    await sleep(1_000);
    release();
    await until(() => finished, "the handler to finish");
    await sleep(100);
    expect(escaped).toEqual([]);
    // nats-server 2.9 counts such a delivery as the first again (its client went away): only the event is compared.
    const again: string[] = [];
    await second.subscribe(RecordCreated, (delivered) => {
      again.push((delivered as RecordCreatedV2).id);
    });
    await until(() => again.length > 0, "the event to come again");
    expect(again).toEqual([event.id]);
  }, 30_000);
});
