/**
 * The studio's HTTP server: the built page, the catalog, the JSON the pages read, replay, and the
 * WebSocket bridge on `/ws`. It listens on loopback unless told otherwise, and then answers only
 * requests addressed to it by a loopback name (no DNS rebinding) and from its own page (no
 * cross-site WebSocket or POST).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ArgumentError, type EventBus, isContractError } from "@evc/runtime";
import type { Catalog } from "./catalog.js";
import { StudioBindError } from "./errors.js";
import { LiveBridge, type BridgeOptions } from "./live-bridge.js";
import { scrapeRuntimeMetrics } from "./prometheus.js";
import { serveFile } from "./static-files.js";
import { readDeadLetters, readStreams, replayDeadLetters } from "./studio-data.js";

/** How to run the studio. */
export interface StudioOptions {
  readonly bus: EventBus;
  readonly catalog: Catalog;
  /** The folder of the built page. */
  readonly assets: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Listen on a non-loopback address: only when the person said so (`--host`). */
  readonly allowRemote: boolean;
  /** Prometheus endpoints of services running the runtime. */
  readonly metricsUrls: readonly string[];
  readonly bridge: Partial<BridgeOptions>;
}

/** A running studio. */
export interface Studio extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  close(): Promise<void>;
}

const loopbackNames = new Set(["127.0.0.1", "::1", "localhost", "[::1]"]);

/** True for an address or name only this machine can reach. */
export function isLoopback(host: string): boolean {
  return loopbackNames.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Start the studio; throws `StudioBindError` for a non-loopback host unless `allowRemote`. */
export async function startStudio(options: Partial<StudioOptions> & Pick<StudioOptions, "bus" | "catalog" | "assets">): Promise<Studio> {
  const settings: StudioOptions = { host: "127.0.0.1", port: 0, allowRemote: false, metricsUrls: [], bridge: {}, ...options };
  if (!isLoopback(settings.host) && !settings.allowRemote) throw new StudioBindError(settings.host);
  const bridge = new LiveBridge(settings.bus, settings.bridge);
  const server = createServer((request, response) => {
    void handle(settings, bridge, request, response).catch((error: unknown) => answer(response, isContractError(error) ? 400 : 500, { error: (error as Error).message }));
  });
  server.on("upgrade", (request, socket, head) => {
    const url = new URL(request.url ?? "/", "http://studio");
    if (url.pathname !== "/ws" || !addressedToUs(settings, request) || !fromOurPage(request)) {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    bridge.sockets.handleUpgrade(request, socket, head, (client) => bridge.sockets.emit("connection", client, request));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  const close = async (): Promise<void> => {
    await bridge.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url: `http://${host}:${port}/`, close, [Symbol.asyncDispose]: close };
}

async function handle(settings: StudioOptions, bridge: LiveBridge, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (!addressedToUs(settings, request)) return answer(response, 403, { error: "this studio answers only requests addressed to a loopback name" });
  const { pathname } = new URL(request.url ?? "/", "http://studio");
  const { bus } = settings;
  if (request.method === "POST" && pathname === "/api/dead-letters/replay") {
    if (!fromOurPage(request) || !(request.headers["content-type"] ?? "").startsWith("application/json")) return answer(response, 403, { error: "replay is accepted only from the studio's page, as JSON" });
    const { stream, seqs, confirmed } = readReplay(await body(request));
    if (!confirmed) return answer(response, 400, { error: 'replay needs a confirmation ("confirmed": true)' });
    return answer(response, 200, { outcomes: await replayDeadLetters(bus, stream, seqs) });
  }
  if (request.method !== "GET") return answer(response, 405, { error: `${request.method ?? "?"} is not allowed here` });
  switch (pathname) {
    case "/catalog.json":
      return answer(response, 200, settings.catalog);
    case "/api/status":
      return answer(response, 200, { server: bus.server.text, feeds: bridge.feeds(), metrics: settings.metricsUrls.length > 0 });
    case "/api/streams":
      return answer(response, 200, { streams: await readStreams(bus) });
    case "/api/dead-letters":
      return answer(response, 200, { streams: await readDeadLetters(bus, 500) });
    case "/api/metrics":
      return answer(response, 200, { sources: await scrapeRuntimeMetrics(settings.metricsUrls) });
  }
  if (!(await serveFile(settings.assets, pathname, response))) answer(response, 404, { error: `nothing at ${pathname}` });
}

/** On loopback, the Host header must be a loopback name too: a rebound DNS name gets nothing. */
function addressedToUs(settings: StudioOptions, request: IncomingMessage): boolean {
  if (settings.allowRemote) return true;
  const host = (request.headers.host ?? "").replace(/:\d+$/, "");
  return isLoopback(host);
}

/** A browser sends `Origin`; it must be the studio's own. Clients that are not browsers send none. */
function fromOurPage(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  return origin === undefined || origin === `http://${request.headers.host ?? ""}`;
}

function readReplay(value: unknown): { stream: string; seqs: number[]; confirmed: boolean } {
  const fields = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const { stream, seqs, confirmed } = fields;
  if (typeof stream !== "string") throw new ArgumentError("stream", "the dead-letter stream's name");
  if (!Array.isArray(seqs) || seqs.length === 0 || !seqs.every((seq) => Number.isInteger(seq) && (seq as number) > 0)) throw new ArgumentError("seqs", "a list of positive sequences");
  return { stream, seqs: seqs as number[], confirmed: confirmed === true };
}

async function body(request: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 1_000_000) throw new ArgumentError("body", "at most 1 MB of JSON");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ArgumentError("body", "JSON");
  }
}

function answer(response: ServerResponse, status: number, value: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(value));
}
