/**
 * The studio's server without a browser: where it listens, whom it answers, replay's confirmation,
 * and the pieces the pages read (a fields table, Prometheus samples, the catalog's comparisons).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { WebSocket } from "ws";
import { loadContracts } from "@evc/cli";
import { buildCatalog, type Catalog, fieldRows, parseSamples, startStudio, type Studio, StudioBindError } from "@evc/cli/studio";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: false });
const assets = mkdtempSync(join(tmpdir(), "evc-studio-assets-"));
let catalog: Catalog;
let studio: Studio;

beforeAll(async () => {
  writeFileSync(join(assets, "index.html"), "<!doctype html><title>studio</title>");
  catalog = buildCatalog(await loadContracts({ specs: "asyncapi", cwd: process.cwd(), allowRemoteRefs: false }));
  studio = await startStudio({ bus: fixture.bus, catalog, assets, port: 0 });
});

afterAll(async () => {
  await studio?.close();
  rmSync(assets, { recursive: true, force: true });
});

/** An HTTP request with the headers given (fetch would not let a test set Host). */
function call(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  const url = new URL(path, studio.url);
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: options.method ?? "GET", headers: options.headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    sent.on("error", reject);
    sent.end(options.body);
  });
}

describe("evc studio's server", () => {
  test("listens on loopback, and refuses another address unless told to", async () => {
    expect(studio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await expect(startStudio({ bus: fixture.bus, catalog, assets, host: "0.0.0.0" })).rejects.toThrowError(StudioBindError);
    await expect(startStudio({ bus: fixture.bus, catalog, assets, host: "0.0.0.0" })).rejects.toThrowError(/pass --host 0\.0\.0\.0 to let other machines reach it/);
    await using remote = await startStudio({ bus: fixture.bus, catalog, assets, host: "0.0.0.0", allowRemote: true });
    expect(remote.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/$/);
  });

  test("serves the page, the catalog and the streams, but not to a request addressed to another name (DNS rebinding)", async () => {
    expect(await call("/")).toEqual({ status: 200, body: "<!doctype html><title>studio</title>" });
    expect(JSON.parse((await call("/catalog.json")).body)).toMatchObject({ systems: expect.any(Array), events: expect.any(Array) });
    const streams = JSON.parse((await call("/api/streams")).body) as { streams: { name: string; kind: string }[] };
    expect(streams.streams.map((stream) => stream.name)).toContain("LATECHFORCE_DLQ");
    expect((await call("/../package.json")).status).toBe(404);
    const rebound = await call("/api/streams", { headers: { host: "attacker.example" } });
    expect(rebound.status).toBe(403);
  });

  test("replays only a confirmed request from its own page", async () => {
    const json = { "content-type": "application/json" };
    const unconfirmed = await call("/api/dead-letters/replay", { method: "POST", headers: json, body: JSON.stringify({ stream: "LATECHFORCE_DLQ", seqs: [1] }) });
    expect(unconfirmed).toEqual({ status: 400, body: JSON.stringify({ error: 'replay needs a confirmation ("confirmed": true)' }) });
    const crossSite = await call("/api/dead-letters/replay", { method: "POST", headers: { ...json, origin: "http://attacker.example" }, body: JSON.stringify({ stream: "LATECHFORCE_DLQ", seqs: [1], confirmed: true }) });
    expect(crossSite.status).toBe(403);
    const unknown = await call("/api/dead-letters/replay", { method: "POST", headers: json, body: JSON.stringify({ stream: "NOPE", seqs: [1], confirmed: true }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('invalid argument \\"stream\\"');
    const missing = await call("/api/dead-letters/replay", { method: "POST", headers: json, body: JSON.stringify({ stream: "LATECHFORCE_DLQ", seqs: [7], confirmed: true }) });
    expect(JSON.parse(missing.body)).toEqual({ outcomes: [{ seq: 7, error: expect.stringContaining("it has none at 7") }] });
  });

  test("the bridge accepts a WebSocket from its own page only", async () => {
    const ws = studio.url.replace("http", "ws") + "ws";
    const open = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(ws, { origin });
        socket.once("message", (data) => {
          socket.close();
          resolve(String(data));
        });
        socket.once("error", (error) => resolve(error.message));
      });
    expect(JSON.parse(await open(studio.url.slice(0, -1)))).toMatchObject({ kind: "feeds" });
    expect(await open("http://attacker.example")).toBe("Unexpected server response: 403");
  });
});

describe("what the pages read", () => {
  test("a fields table flattens allOf, nests objects and arrays, and lists constraints", () => {
    const rows = fieldRows({
      allOf: [
        { type: "object", required: ["id"], properties: { id: { type: "string", format: "uuid", description: "The id." } } },
        { type: "object", properties: { items: { type: "array", items: { $ref: "#/definitions/Item" } }, kind: { enum: ["a", "b"] } } },
      ],
      definitions: { Item: { type: "object", required: ["sku"], additionalProperties: false, properties: { sku: { type: "string", minLength: 1 } } } },
    });
    expect(rows).toEqual([
      { name: "id", type: "string", required: true, description: "The id.", constraints: ["format uuid"] },
      { name: "items", type: "array of object", required: false, description: undefined, constraints: [] },
      { name: "items[].sku", type: "string", required: true, description: undefined, constraints: ["minLength 1"] },
      { name: "kind", type: '"a" | "b"', required: false, description: undefined, constraints: [] },
    ]);
  });

  test("Prometheus samples of the runtime are read with their labels; other metrics are left out", () => {
    const text = ['# HELP evc_events_published_total Events published.', 'evc_events_published_total{type="record-created",version="2",outcome="stored"} 3', 'process_cpu_seconds_total 1.5', 'evc_handlers_in_flight{subscription="a \\"b\\""} 0'].join("\n");
    expect(parseSamples(text, "evc_")).toEqual([
      { name: "evc_events_published_total", labels: { type: "record-created", version: "2", outcome: "stored" }, value: 3 },
      { name: "evc_handlers_in_flight", labels: { subscription: 'a "b"' }, value: 0 },
    ]);
  });

  test("the catalog compares every pair of versions with the checker", () => {
    const recordCreated = catalog.comparisons.find((comparison) => comparison.type === "record-created");
    expect(recordCreated).toMatchObject({ from: 1, to: 2, mode: "BACKWARD", compatible: false, fields: { added: [{ name: "data.createdBy", required: true }], removed: [] } });
    expect(recordCreated?.findings.map((finding) => finding.rule)).toContain("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
    const modelRegistered = catalog.comparisons.filter((comparison) => comparison.type === "model.registered").map((comparison) => [comparison.from, comparison.to]);
    expect(modelRegistered).toEqual([
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    const operations = catalog.events.find((event) => event.type === "record-created")?.versions[1]?.operations;
    expect(operations).toEqual([{ id: "publishTableEvents", action: "send", title: "Publish table events", channel: "tableEvents", replyMessages: [] }]);
    const requests = catalog.events.find((event) => event.type === "codegen.started")?.versions[0]?.operations.filter((operation) => operation.replyMessages.length > 0);
    expect(requests).toEqual([{ id: "requestCodegen", action: "send", title: "Request a code generation and wait for its result", channel: "codegenJobEvents", replyMessages: ["CodegenCompletedV1", "CodegenFailedV1"] }]);
  });
});
