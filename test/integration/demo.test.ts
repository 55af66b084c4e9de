import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import { runDemoOn } from "../../demo/start.js";
import { startNatsServer } from "../helpers/nats-server.js";

/** Run the demo and collect what it prints. */
async function demo(server: string | undefined): Promise<string> {
  let stdout = "";
  await runDemoOn(server, (line) => (stdout += `${line}\n`));
  return stdout;
}

describe("the demo (npm start)", () => {
  test("with no server given it starts its own, runs every flow to the end and stops the server", async () => {
    const stdout = await demo(undefined);
    const started = /started nats-server \S+ -js on nats:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
    expect(started?.[1]).not.toBe("4222");
    for (const step of ["GET_OR_CREATE_GRAPH", "GET_PROMPT", "LLM_CALL", "BUILD_KUBERNETES_GRAPH", "VALIDATE_CONFIGURATIONS"]) expect(stdout).toContain(step);
    expect(stdout).toMatch(/codegen\.completed v1 job-\S+: 2 manifests/);
    expect(stdout).toMatch(/form-submitted v1[\s\S]*record-created v2 rec-s-\S+ by user-grace[\s\S]*automation-triggered v1[\s\S]*action-executed v1 send-welcome-email/);
    expect(stdout).toMatch(/record-created v2 rec-import-\S+ by unknown \(published as v1, upcast to v2\)/);
    expect(stdout).toMatch(/dead-lettered after 3 deliveries: quota service unavailable[\s\S]*delivery 1 after replay: handled/);
    expect(stdout).toMatch(/saga "task-\S+-deploy" completed: v1 task\.created, v2 agent\.assigned, v3 task\.completed/);
    expect(stdout).toMatch(/saga "task-\S+-migrate" compensated: v1 task\.created, v2 agent\.assigned, v3 task\.failed, v4 agent\.released, v5 task\.cancelled/);
    expect(stdout).toContain("stopped the demo's nats-server");
  }, 60_000);

  test("on a given server it leaves no durable consumer behind (ephemeral ones expire on their own)", async () => {
    await using server = await startNatsServer();
    await demo(server.url);
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      const streams: string[] = [];
      for await (const name of jsm.streams.names()) streams.push(name);
      expect(streams).toContain("KUBEGRAM");
      for (const stream of streams) {
        const consumers: string[] = [];
        for await (const consumer of jsm.consumers.list(stream)) if (consumer.config.durable_name !== undefined) consumers.push(consumer.name);
        expect({ stream, consumers }).toEqual({ stream, consumers: [] });
      }
    } finally {
      await nc.close();
    }
  }, 60_000);
});
