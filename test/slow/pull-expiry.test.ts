/**
 * Pull feeds on a real nats-server: a message handed back to fall due just as the feed's pull
 * expires on the server must come again to the feed's next pull, as a redelivery. nats-server
 * before 2.10.16 loses such a redelivery until the ack wait runs out, and delivers the consumer's
 * latest message a second time in its place (nats-server#5305), unless the feed bridges its pulls'
 * expiries; and bridging costs the feed none of its room. The race is the server's (its timer that
 * expires a pull against the one that finds redeliveries due): without bridging, 3 to 23 of the
 * first test's 192 hand-backs were lost in each of 10 runs on nats-server 2.9.10.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { connect, nanos, type NatsConnection } from "@nats-io/transport-node";
import { bridgeLeadMs, PullFeed, pullExpiresMs } from "../../runtime/pull-feed.js";
import { parseServerVersion, supports } from "../../runtime/server-features.js";
import { startNatsServer, type NatsServer } from "../helpers/nats-server.js";

let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let js: JetStreamClient;
let streams = 0;
const ackWaitMs = 3_000;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  js = jetstream(nc);
});

afterAll(async () => {
  await nc?.close();
  await server?.[Symbol.asyncDispose]();
});

/** Feeds of `capacity`, one per consumer, each over a single message of its own. */
async function feedsOverOneMessageEach(count: number, bridgeExpiries: boolean, capacity = 1): Promise<PullFeed[]> {
  const stream = `FEEDS${++streams}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  const feeds: PullFeed[] = [];
  for (let index = 0; index < count; index++) {
    const durable = `c${index}`;
    // A redelivery the server lost comes after the ack wait, counted twice (once as it was lost).
    await jsm.consumers.add(stream, { durable_name: durable, filter_subject: `${stream}.${index}`, ack_policy: AckPolicy.Explicit, ack_wait: nanos(ackWaitMs) });
    await js.publish(`${stream}.${index}`, "x");
    feeds.push(new PullFeed(await js.consumers.get(stream, durable), { capacity, ackWaitMs, onStatus: () => undefined, bridgeExpiries }));
  }
  return feeds;
}

/**
 * Hand each feed's message back, `rounds` times, to fall due from 4 ms before to just before the
 * server-side expiry of the pull that `done` opens next (the hand-back is sent just before that
 * pull), where the server's timer that checks for redeliveries and the one that expires the pull
 * race; returns how many times a message came again other than as its next delivery.
 */
async function handBacksAtPullExpiry(feeds: PullFeed[], rounds: number): Promise<number> {
  let taken = await Promise.all(feeds.map((feed) => feed.take()));
  let lost = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const before = taken.map((message) => message?.info.deliveryCount ?? 0);
      feeds.forEach((feed, index) => {
        const message = taken[index] as JsMsg;
        // Steps of 1/8 ms: the delay in nanoseconds stays a whole number.
        message.nak(pullExpiresMs - 4 + (index % 32) / 8);
        feed.done(message);
      });
      taken = await Promise.all(feeds.map((feed) => feed.take()));
      lost += taken.filter((message, index) => message?.info.deliveryCount !== before[index]! + 1).length;
    }
  } finally {
    taken.forEach((message, index) => {
      message?.ack();
      if (message !== undefined) feeds[index]!.done(message);
      feeds[index]!.stop();
    });
  }
  return lost;
}

describe("pull feeds", () => {
  test("a message handed back to fall due as the feed's pull expires comes again at once, as its next delivery", async () => {
    const server29 = !supports(parseServerVersion(server.version), "redeliveryAtPullExpiry");
    const feeds = await feedsOverOneMessageEach(64, server29);
    expect(await handBacksAtPullExpiry(feeds, 3)).toBe(0);
  }, 60_000);

  test("a feed whose pull expired while bridged still asks for its whole room: two messages published then both come to a feed of capacity 2", async () => {
    const [feed] = await feedsOverOneMessageEach(1, true, 2);
    const first = (await feed!.take()) as JsMsg;
    first.ack();
    feed!.done(first);
    // Past the first pull's expiry: its successor, opened a second before, now carries the room alone.
    await new Promise((resolve) => setTimeout(resolve, pullExpiresMs + bridgeLeadMs));
    const subject = first.subject;
    await js.publish(subject, "a");
    await js.publish(subject, "b");
    const taken = [(await feed!.take()) as JsMsg, (await feed!.take()) as JsMsg];
    expect(taken.map((message) => new TextDecoder().decode(message.data))).toEqual(["a", "b"]);
    for (const message of taken) {
      message.ack();
      feed!.done(message);
    }
    feed!.stop();
  }, 30_000);
});
