import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { ArgumentError, connect, ValidationError, type EventBus } from "@evc/runtime";
import { ResponseTimeoutError, SuspensionManager } from "@evc/runtime/saga";
import { useBus } from "../helpers/bus.js";
import { darkLinkAfter } from "../helpers/dark-link.js";
import { spawnTs } from "../helpers/spawn-ts.js";
import { until } from "../helpers/until.js";

const fixture = useBus({ reset: true });
let suspensions: SuspensionManager;

beforeAll(async () => {
  suspensions = new SuspensionManager(fixture.bus);
});

const envelope = (jobId: string, correlationId: string) => ({ id: randomUUID(), aggregateId: jobId, timestamp: new Date().toISOString(), metadata: { correlationId } });

function started(jobId: string, correlationId: string = randomUUID()) {
  return new sdk.CodegenStartedV1({
    ...envelope(jobId, correlationId),
    data: { jobId, userId: "user-456", graphId: "graph-789", graphData: { nodes: [], edges: [] }, options: { provider: "anthropic", model: "claude-3-5-sonnet" } },
  });
}

const completed = (jobId: string, correlationId: string) => new sdk.CodegenCompletedV1({ ...envelope(jobId, correlationId), data: { jobId, graphId: "graph-789", processingTime: 9, manifests: [] } });

/** Subscriptions the client holds (NATS.js keeps no public count). */
function subscriptions(bus: EventBus): number {
  return (bus.connection as unknown as { protocol: { subscriptions: { size(): number } } }).protocol.subscriptions.size();
}

async function consumers(stream: string): Promise<string[]> {
  const names: string[] = [];
  for await (const consumer of fixture.bus.manager.consumers.list(stream)) names.push(consumer.name);
  return names;
}

/** A second bus that answers each "codegen.started" with what `answer` returns. */
async function responder(answer: (request: sdk.CodegenStartedV1) => readonly sdk.AnyEvent[]): Promise<EventBus> {
  const bus = await connect({ registry: sdk.registry, servers: fixture.server.url, name: "responder", service: "responder", provision: false });
  await bus.subscribe("codegen.started", async (request: sdk.CodegenStartedV1) => {
    for (const event of answer(request)) await bus.publish(event);
  }, { durable: `responder-${randomUUID().slice(0, 8)}`, deliverPolicy: "new" });
  return bus;
}

describe("request/response - suspendForResponse", () => {
  test("publishes the request and resolves with the typed response that carries its correlation id", async () => {
    const answering = await responder((request) => [completed(request.data.jobId, request.metadata.correlationId as string)]);
    try {
      const request = started("job-1");
      const response = await suspensions.suspendForResponse<sdk.CodegenCompletedV1>(request, "codegen.completed", request.metadata.correlationId as string, { timeout: 10_000 });
      expect(response).toBeInstanceOf(sdk.CodegenCompletedV1);
      expect(response.data.jobId).toBe("job-1");
      expect(response.metadata.correlationId).toBe(request.metadata.correlationId);
      expect(suspensions.pending).toBe(0);
    } finally {
      await answering.close();
    }
  });

  test("skips other types, other correlation ids and the request itself, and takes any of several response types", async () => {
    const answering = await responder((request) => {
      const correlationId = request.metadata.correlationId as string;
      const jobId = request.data.jobId;
      return [
        new sdk.CodegenProgressV2({ ...envelope(jobId, correlationId), data: { jobId, step: "LLM_CALL", fraction: 0.5, message: "half" } }),
        completed(jobId, "someone-else"),
        new sdk.CodegenFailedV1({ ...envelope(jobId, correlationId), data: { jobId, error: "model timeout", retryable: true } }),
      ];
    });
    try {
      const request = started("job-2");
      const correlationId = request.metadata.correlationId as string;
      const response = await suspensions.suspendForResponse<sdk.CodegenCompletedV1 | sdk.CodegenFailedV1>(request, ["codegen.completed", "codegen.failed"], correlationId, { timeout: 10_000 });
      expect(response.type).toBe("codegen.failed");
      const again = started("job-3");
      const any = await suspensions.suspendForResponse<sdk.CodegenProgressV2>(again, "codegen.*", again.metadata.correlationId as string, { timeout: 10_000 });
      expect([any.type, any.version]).toEqual(["codegen.progress", 2]);
    } finally {
      await answering.close();
    }
  });

  test("times out with a ResponseTimeoutError, leaving no subscription and no consumer, and a late response crashes nothing", async () => {
    const before = subscriptions(fixture.bus);
    const request = started("job-late");
    const correlationId = request.metadata.correlationId as string;
    const waiting = suspensions.suspendForResponse(request, "codegen.completed", correlationId, { timeout: 300 });
    await expect(waiting).rejects.toThrowError(ResponseTimeoutError);
    await expect(waiting).rejects.toThrowError(`no "codegen.completed" response with correlation id "${correlationId}" within 300 ms`);
    expect(subscriptions(fixture.bus)).toBe(before);
    expect(suspensions.pending).toBe(0);
    expect(await consumers("KUBEGRAM")).toEqual([]);

    await fixture.bus.publish(completed("job-late", correlationId));
    await fixture.bus.connection.flush();
    await sleep(50);
    expect(subscriptions(fixture.bus)).toBe(before);
    expect((await fixture.bus.manager.streams.info("KUBEGRAM")).state.messages).toBe(2);
  });

  test("refuses a request whose correlation id differs, or that is invalid, and leaves nothing behind", async () => {
    const before = subscriptions(fixture.bus);
    await expect(suspensions.suspendForResponse(started("job-4", "corr-a"), "codegen.completed", "corr-b")).rejects.toThrowError(ArgumentError);
    const invalid = { ...started("job-4", "corr-a").toJSON(), data: { jobId: "job-4" } };
    await expect(suspensions.suspendForResponse(invalid, "codegen.completed", "corr-a", { timeout: 5_000 })).rejects.toThrowError(ValidationError);
    await expect(suspensions.suspendForResponse(started("job-4", "corr-a"), "no.such.type", "corr-a")).rejects.toThrowError(ArgumentError);
    expect(subscriptions(fixture.bus)).toBe(before);
    expect(suspensions.pending).toBe(0);
    expect((await fixture.bus.manager.streams.info("KUBEGRAM")).state.messages).toBe(0);
  });

  test("works across processes: a responder in a child process answers", async () => {
    const script = join(import.meta.dirname, "../fixtures/runtime/responder.ts");
    const child: ChildProcess = spawnTs(script, [fixture.server.url]);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
        child.once("exit", (code) => reject(new Error(`responder exited with ${code} before it was ready`)));
      });
      const requests = ["job-a", "job-b", "job-c"].map((jobId) => started(jobId));
      const responses = await Promise.all(
        requests.map((request) => suspensions.suspendForResponse<sdk.CodegenCompletedV1>(request, "codegen.completed", request.metadata.correlationId as string, { timeout: 20_000 })),
      );
      expect(responses.map((response) => [response.data.jobId, response.metadata.correlationId, response.metadata.source?.startsWith("responder-")])).toEqual(
        requests.map((request) => [request.data.jobId, request.metadata.correlationId, true]),
      );
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);

  test("a response stored while the waiting client was disconnected is found after its reconnect", async () => {
    const waiting = await connect({ registry: sdk.registry, servers: fixture.server.url, name: "waiting", provision: false, connection: { reconnectTimeWait: 3_000, reconnectJitter: 0 } });
    const answering = await connect({ registry: sdk.registry, servers: fixture.server.url, name: "answering", provision: false, publishTimeoutMs: 250, connection: { reconnectTimeWait: 50, reconnectJitter: 0 } });
    let reconnected = false;
    void (async () => {
      for await (const status of waiting.connection.status()) if (status.type === "reconnect") reconnected = true;
    })();
    try {
      const request = started("job-offline");
      const correlationId = request.metadata.correlationId as string;
      const response = new SuspensionManager(waiting).suspendForResponse<sdk.CodegenCompletedV1>(request, "codegen.completed", correlationId, { timeout: 15_000 });
      await until(async () => (await fixture.bus.manager.streams.info("KUBEGRAM")).state.messages === 1, "the request to be stored");
      await fixture.server.restart();
      await answering.publish(completed("job-offline", correlationId));
      expect(reconnected).toBe(false);
      expect((await response).metadata.correlationId).toBe(correlationId);
      expect(reconnected).toBe(true);
    } finally {
      await Promise.all([waiting.close(), answering.close()]);
    }
  }, 60_000);
});

describe("request/reply through a link that goes dark after the request", () => {
  test("a response stored while the request waited for its lost ack is found once the connection is back", async () => {
    // The request reaches the server, but its ack and the response are lost with the link, which then drops.
    await using link = await darkLinkAfter(fixture.server.url, "PUB kubegram.codegen-job.", 500);
    const answering = await responder((request) => [completed(request.data.jobId, request.metadata.correlationId as string)]);
    const waiting = await connect({ registry: sdk.registry, servers: link.url, name: "waiting", provision: false, publishTimeoutMs: 1_000 });
    try {
      const request = started("job-dark");
      const correlationId = request.metadata.correlationId as string;
      const response = await new SuspensionManager(waiting).suspendForResponse<sdk.CodegenCompletedV1>(request, "codegen.completed", correlationId, { timeout: 8_000 });
      expect(response.metadata.correlationId).toBe(correlationId);
      expect(response.data.jobId).toBe("job-dark");
    } finally {
      await Promise.all([waiting.close(), answering.close()]);
    }
  }, 30_000);
});

describe("request/reply operations of the specs", () => {
  test("requestCodegen sends codegen.started and resolves with the reply carrying its correlation id, whichever reply type answers", async () => {
    const responder = await fixture.bus.subscribe(
      sdk.CodegenStarted,
      async (request, context) => {
        const { jobId, graphId } = request.data;
        const reply =
          jobId.endsWith("-fails")
            ? context.create(sdk.CodegenFailed, { aggregateId: request.aggregateId, data: { jobId, error: "no graph", step: "GET_OR_CREATE_GRAPH" } })
            : context.create(sdk.CodegenCompleted, { aggregateId: request.aggregateId, data: { jobId, graphId, processingTime: 5, manifests: [] } });
        await fixture.bus.publish(reply);
      },
      { durable: "codegen-responder" },
    );
    const data = (jobId: string) => ({ jobId, userId: "user-456", graphId: "graph-789", graphData: { nodes: [], edges: [] }, options: { provider: "anthropic", model: "claude-3-5-sonnet" } });

    const done = await suspensions.request(sdk.RequestCodegenOperation, { aggregateId: "job-ok", data: data("job-ok") }, { timeout: 10_000 });
    expect(done).toBeInstanceOf(sdk.CodegenCompletedV1);
    expect(done).toMatchObject({ type: "codegen.completed", data: { jobId: "job-ok", graphId: "graph-789" } });

    const failed = await suspensions.request(sdk.RequestCodegenOperation, { aggregateId: "job-fails", metadata: { correlationId: "corr-given" }, data: data("job-fails") }, { timeout: 10_000 });
    expect(failed).toMatchObject({ type: "codegen.failed", metadata: { correlationId: "corr-given" }, data: { jobId: "job-fails", error: "no graph" } });
    expect(suspensions.pending).toBe(0);
    await fixture.bus.unsubscribe(responder, { removeConsumers: true });
  });

  test("with no responder the request times out and leaves nothing behind", async () => {
    const before = subscriptions(fixture.bus);
    const data = { jobId: "job-alone", userId: "user-456", graphId: "graph-789", graphData: { nodes: [], edges: [] }, options: { provider: "anthropic", model: "claude-3-5-sonnet" } };
    await expect(suspensions.request(sdk.RequestCodegenOperation, { aggregateId: "job-alone", data }, { timeout: 300 })).rejects.toThrowError(ResponseTimeoutError);
    expect(subscriptions(fixture.bus)).toBe(before);
  });
});
