/**
 * The shared ack inbox against a real server: acks and duplicates, the stream's refusals as
 * NATS.js's JetStreamApiError, no stream, a reply that never comes, a publish or an inbox the
 * server's permissions refuse, and a closed connection. Every case must end in the right outcome,
 * never in a timeout standing in for it.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { JetStreamApiCodes, jetstreamManager, JetStreamApiError, PubHeaders } from "@nats-io/jetstream";
import { connect, ClosedConnectionError, headers, PermissionViolationError, type NatsConnection } from "@nats-io/transport-node";
import { AckInbox, AckTimeoutError, NoStreamResponseError } from "@evc/runtime";
import { startNatsServer, type NatsServer } from "../helpers/nats-server.js";

const users = [
  "authorization {",
  "  users = [",
  "    { user: admin, password: admin }",
  '    { user: nopub, password: nopub, permissions: { publish: { deny: ["acks.denied"] } } }',
  '    { user: noinbox, password: noinbox, permissions: { subscribe: { deny: ["_INBOX.>"] } } }',
  "  ]",
  "}",
];
const body = new TextEncoder().encode('{"n":1}');
let server: NatsServer;
let admin: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer({ config: users });
  admin = await connect({ servers: server.url, user: "admin", pass: "admin" });
  await (await jetstreamManager(admin)).streams.add({ name: "ACKS", subjects: ["acks.>"] });
});

afterAll(async () => {
  await admin?.close();
  await server?.[Symbol.asyncDispose]();
});

function withId(id: string, extra: Record<string, string> = {}) {
  const hdrs = headers();
  hdrs.set(PubHeaders.MsgIdHdr, id);
  for (const [name, value] of Object.entries(extra)) hdrs.set(name, value);
  return hdrs;
}

test("resolves with the stream's ack, and a second publish of the same id as a duplicate", async () => {
  const inbox = new AckInbox(admin);
  const first = await inbox.publish("acks.one", body, withId("one"), 2_000);
  const again = await inbox.publish("acks.one", body, withId("one"), 2_000);
  expect(first).toMatchObject({ stream: "ACKS", duplicate: false });
  expect(again).toMatchObject({ stream: "ACKS", seq: first.seq, duplicate: true });
  const many = await Promise.all(Array.from({ length: 500 }, (_, n) => inbox.publish(`acks.many.${n}`, body, withId(`many-${n}`), 5_000)));
  expect(new Set(many.map((ack) => ack.seq)).size).toBe(500);
});

test("a refusal of the stream is NATS.js's JetStreamApiError with its code", async () => {
  const inbox = new AckInbox(admin);
  const refused = inbox.publish("acks.expect", body, withId("expect", { [PubHeaders.ExpectedLastSubjectSequenceHdr]: "999" }), 2_000);
  const error = await refused.catch((failure: unknown) => failure);
  expect(error).toBeInstanceOf(JetStreamApiError);
  expect((error as JetStreamApiError).code).toBe(JetStreamApiCodes.StreamWrongLastSequence);
});

test("a subject no stream holds is NoStreamResponseError; a reply that never comes is AckTimeoutError", async () => {
  const inbox = new AckInbox(admin);
  await expect(inbox.publish("nostream.x", body, withId("x"), 2_000)).rejects.toBeInstanceOf(NoStreamResponseError);
  const silent = admin.subscribe("silent.x");
  await admin.flush();
  await expect(inbox.publish("silent.x", body, withId("y"), 200)).rejects.toBeInstanceOf(AckTimeoutError);
  silent.unsubscribe();
});

test("a publish the server's permissions refuse fails with the server's reason, and other subjects are unaffected", async () => {
  const nc = await connect({ servers: server.url, user: "nopub", pass: "nopub" });
  try {
    const inbox = new AckInbox(nc);
    const [denied, allowed] = await Promise.allSettled([inbox.publish("acks.denied", body, withId("d"), 60_000), inbox.publish("acks.allowed", body, withId("a"), 60_000)]);
    expect(denied.status === "rejected" && denied.reason).toBeInstanceOf(PermissionViolationError);
    expect(allowed).toMatchObject({ status: "fulfilled", value: { stream: "ACKS" } });
  } finally {
    await nc.close();
  }
});

test("an inbox the server's permissions refuse fails the publishes waiting on it", async () => {
  const nc = await connect({ servers: server.url, user: "noinbox", pass: "noinbox" });
  try {
    const inbox = new AckInbox(nc);
    await expect(inbox.publish("acks.noinbox", body, withId("n"), 60_000)).rejects.toBeInstanceOf(PermissionViolationError);
  } finally {
    await nc.close();
  }
});

test("a closed connection fails what waits and what comes after with ClosedConnectionError", async () => {
  const nc = await connect({ servers: server.url, user: "admin", pass: "admin" });
  const inbox = new AckInbox(nc);
  const silent = nc.subscribe("silent.closing");
  await nc.flush();
  const waiting = inbox.publish("silent.closing", body, withId("c1"), 60_000);
  await nc.close();
  silent.unsubscribe();
  await expect(waiting).rejects.toBeInstanceOf(ClosedConnectionError);
  await expect(inbox.publish("acks.closed", body, withId("c2"), 60_000)).rejects.toBeInstanceOf(ClosedConnectionError);
});

test("an inbox of the connection's own prefix receives the acks", async () => {
  const inbox = new AckInbox(admin, "_MINE");
  const spy = admin.subscribe("_MINE.>");
  await admin.flush();
  const ack = await inbox.publish("acks.prefixed", body, withId("p"), 2_000);
  expect(ack.stream).toBe("ACKS");
  expect(spy.getReceived()).toBeGreaterThan(0);
  spy.unsubscribe();
});
