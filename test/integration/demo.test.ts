import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { runDemoOn } from "../../demo/start.js";
import { defaultPostgresUrl } from "../../demo/temporary-database.js";
import { startNatsServer } from "../helpers/nats-server.js";

/** Run the demo and collect what it prints. */
async function demo(server: string | undefined): Promise<string> {
  let stdout = "";
  await runDemoOn(server, (line) => (stdout += `${line}\n`), process.env["EVC_POSTGRES_URL"]);
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
    expect(stdout).toMatch(/session "collab-\S+-pair": agent\.joined applied, emits collaboration\.started/);
    expect(stdout).toMatch(/collaboration\.started collab-\S+-pair: participants agent-7, agent-9 \(leader_follower\)/);
    expect(stdout).toMatch(/session "collab-\S+-stalled": deadline applied, emits collaboration\.error/);
    expect(stdout).toMatch(/collaboration\.error collab-\S+-stalled: not every invited agent joined within 1500 ms; missing agent-offline/);
    expect(stdout).toMatch(/session "collab-\S+-pair" started after 5 transitions: joined agent-7, agent-9\n/);
    expect(stdout).toMatch(/session "collab-\S+-stalled" failed after 5 transitions: joined agent-7, missing agent-offline/);
    expect(stdout).toMatch(/task saga "task-\S+-build" completed: v1 task\.created, v2 agent\.assigned, v3 task\.completed\n/);
    expect(stdout).toMatch(/task saga "task-\S+-rollback" compensated \(outcome: task failed: helm timeout\): v1 task\.created, v2 agent\.assigned, v3 task\.failed, v4 agent\.released, v5 task\.cancelled/);
    expect(stdout).toMatch(/task saga "task-\S+-audit" compensated \(assignment: .*step "assignment" waited 1500 ms for "agent\.assigned" and none came\): v1 task\.created, v2 task\.cancelled/);
    for (const version of [1, 2, 3]) expect(stdout).toMatch(new RegExp(`model\\.registered v${version} by registry-service ${version}\\.x: catalog at version ${version}`));
    expect(stdout).toMatch(/all-MiniLM-L6-v2 v2\.2\.2 \(txt2embed, checksum unknown\) stored as v1, read v1 → v2 → v3/);
    expect(stdout).toMatch(/bge-small-en-v1\.5 v1\.5 \(txt2embed, checksum sha256:5c38ec7c\) stored as v2, read v2 → v3/);
    expect(stdout).toMatch(/whisper-small v1 \(audio2txt, checksum sha256:9a3f0c11\) stored as v3, read v3\n/);
    expect(stdout).toMatch(/model\.loaded v1 openai\/whisper-small v1[\s\S]*job\.completed v1 \S+: success[\s\S]*job\.failed v1 \S+: model "acme\/unregistered-model" is not in the catalog/);
    expect(stdout).toMatch(/rolled back \(quota exceeded for user123\): 0 rows, 0 events in the outbox/);
    expect(stdout).toMatch(
      /execution_requested v2 → execution_accepted v1 → execution_queued v2 → pod_created v1 → pod_scheduled v1 → pod_running v2 → execution_started v1 → execution_running v2 → pod_succeeded v2 → execution_completed v2 → result_stored v2 \(11 events\)/,
    );
    expect(stdout).toMatch(/row status completed, stdout "Hello, World!\\n"/);
    expect(stdout).toContain("outbox: 11 events written in 4 transactions, 11 published, 0 pending");
    expect(stdout).toContain("ran 8 flows of 5 systems: Kubegram, LaTeChforce, DevOps MCP, ModelMora, Integr8sCode");
    expect(stdout).toContain("stopped the demo's nats-server");
  }, 60_000);

  test("on a given server it leaves no durable consumer behind (ephemeral ones expire on their own), and drops its database", async () => {
    await using server = await startNatsServer();
    const stdout = await demo(server.url);
    const database = /created database (evc_demo_[0-9a-f]+) on PostgreSQL/.exec(stdout)?.[1];
    expect(stdout).toContain(`dropped database ${database}`);
    const postgres = new pg.Client({ connectionString: process.env["EVC_POSTGRES_URL"] ?? defaultPostgresUrl });
    await postgres.connect();
    try {
      const left = await postgres.query("SELECT datname FROM pg_database WHERE datname = $1", [database]);
      expect(left.rows).toEqual([]);
    } finally {
      await postgres.end();
    }
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
