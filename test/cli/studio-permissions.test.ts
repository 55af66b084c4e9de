/**
 * The studio serves only what its NATS credentials may read: against a server whose `reader` user
 * may not read LATECHFORCE, the bridge reports that stream as not readable and keeps serving the
 * others, and the streams page says why.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { WebSocket } from "ws";
import { registry } from "@evc/seeds";
import { connect, type EventBus } from "@evc/runtime";
import { type BridgeMessage, startStudio, type StreamView, type Studio } from "@evc/cli/studio";
import { evc } from "../helpers/cli.js";
import { startNatsServer, type NatsServer } from "../helpers/nats-server.js";

const denied = ["$JS.API.CONSUMER.CREATE.LATECHFORCE", "$JS.API.CONSUMER.CREATE.LATECHFORCE.>", "$JS.API.STREAM.INFO.LATECHFORCE", "$JS.API.CONSUMER.LIST.LATECHFORCE"];
const users = [
  "authorization {",
  "  users = [",
  "    { user: admin, password: admin-secret }",
  `    { user: reader, password: reader-secret, permissions: { publish: { deny: ${JSON.stringify(denied)} } } }`,
  "  ]",
  "}",
];
const assets = mkdtempSync(join(tmpdir(), "evc-studio-assets-"));
let server: NatsServer;
let admin: EventBus;
let reader: EventBus;
let studio: Studio;

beforeAll(async () => {
  writeFileSync(join(assets, "index.html"), "<!doctype html>");
  server = await startNatsServer({ config: users });
  admin = await connect({ registry, servers: server.url, name: "evc-admin", connection: { user: "admin", pass: "admin-secret" } });
  reader = await connect({ registry, servers: server.url, name: "evc-studio", provision: false, connection: { user: "reader", pass: "reader-secret" } });
  studio = await startStudio({ bus: reader, catalog: { systems: [], events: [], comparisons: [] }, assets, bridge: { retryMs: 200 } });
});

afterAll(async () => {
  await studio?.close();
  await reader?.close();
  await admin?.close();
  await server?.[Symbol.asyncDispose]();
  rmSync(assets, { recursive: true, force: true });
});

test("a stream the credentials may not read is reported, never served; the others are", async () => {
  const socket = new WebSocket(`${studio.url.replace("http", "ws")}ws`);
  const received: BridgeMessage[] = [];
  socket.on("message", (data) => received.push(JSON.parse(String(data)) as BridgeMessage));
  await new Promise((resolve) => socket.once("open", resolve));
  const feeds = () => received.flatMap((message) => (message.kind === "feeds" ? [message.feeds] : [])).at(-1) ?? [];
  await expect.poll(() => feeds().filter((feed) => feed.state === "live").length, { timeout: 15_000 }).toBe(4);
  await expect.poll(() => feeds().find((feed) => feed.stream === "LATECHFORCE")?.reason, { timeout: 15_000 }).toMatch(/Permissions Violation for Publish to "\$JS\.API\.(CONSUMER\.CREATE|STREAM\.INFO)\.LATECHFORCE/);

  await admin.publish(admin.create("record-created", { aggregateId: "tbl-secret", data: { tableId: "tbl-secret", recordId: "r", fields: {}, createdBy: "ada" } }));
  const visible = await admin.publish(admin.create("codegen.progress", { version: 1, aggregateId: "job-1", data: { jobId: "job-1", step: "GET_OR_CREATE_GRAPH", progress: 10, message: "graph" } }));
  await expect.poll(() => received.flatMap((message) => (message.kind === "events" ? message.events : [])).map((event) => event.id), { timeout: 15_000 }).toEqual([visible.id]);
  socket.close();

  const response = await fetch(`${studio.url}api/streams`);
  const { streams } = (await response.json()) as { streams: StreamView[] };
  expect(streams.find((stream) => stream.name === "LATECHFORCE")?.error).toMatch(/Permissions Violation/);
  expect(streams.find((stream) => stream.name === "KUBEGRAM")?.error).toBeUndefined();
  expect(JSON.stringify(streams)).not.toContain("reader-secret");
});

test("the runtime commands take their credentials from the environment, and a wrong one is a clear failure", async () => {
  const env = { NATS_URL: server.url, NATS_USER: "reader", NATS_PASSWORD: "reader-secret" };
  expect(await evc(env, "dlq", "list", "--stream", "LATECHFORCE_DLQ")).toEqual({ code: 0, stdout: "no dead letters\n", stderr: "" });
  const wrong = await evc({ ...env, NATS_PASSWORD: "wrong" }, "dlq", "list");
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toMatch(/^evc: cannot connect to nats:\/\/127\.0\.0\.1:\d+: .*Authorization Violation/);
  expect(wrong.stderr).not.toContain("wrong");
  expect((await evc({ NATS_URL: server.url, NATS_CREDS: "no-such.creds" }, "dlq", "list")).stderr).toBe('evc: invalid argument "creds": a readable file, but "no-such.creds" cannot be read (ENOENT)\n');
});
