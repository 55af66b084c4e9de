import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { beforeAll, describe, expect, test } from "vitest";
import { TransientFailure } from "@evc/runtime";
import { evc, evcIn } from "../helpers/cli.js";
import { useBus } from "../helpers/bus.js";
import { startNatsServer } from "../helpers/nats-server.js";

const fixture = useBus({ reset: true });
let env: Record<string, string>;

beforeAll(async () => {
  env = { NATS_URL: fixture.server.url };
});

const data = { tableId: "tbl-cli", recordId: "r-1", fields: { name: "Ada" }, createdBy: "user-ada" };

describe("evc publish, tail, dlq", () => {
  test("publish validates and sends an event from --data and --aggregate-id, or from a file holding a whole event", async () => {
    const published = await evc(env, "publish", "record-created", "--aggregate-id", "tbl-cli", "--data", JSON.stringify(data), "--json");
    expect(published.stderr).toBe("");
    expect(published.code).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ type: "record-created", version: 2, stream: "LATECHFORCE", seq: 1, duplicate: false, subject: "latechforce.table.tbl-cli" });

    const dir = mkdtempSync(join(tmpdir(), "evc-cli-"));
    try {
      writeFileSync(join(dir, "v1.json"), JSON.stringify({ aggregateId: "tbl-cli", data: { tableId: "tbl-cli", recordId: "r-2", fields: {} } }));
      const fromFile = await evc(env, "publish", "record-created", "--version", "1", "--data", `@${join(dir, "v1.json")}`);
      expect(fromFile.stdout).toMatch(/^published record-created v1 [0-9a-f-]{36} on latechforce\.table\.tbl-cli: LATECHFORCE #2\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("publish refuses an invalid event (exit 2, nothing sent) and says what is wrong, as publish, tail and dlq do of a count or sequence that is not a positive integer", async () => {
    const invalid = await evc(env, "publish", "record-created", "--aggregate-id", "tbl-cli", "--data", JSON.stringify({ ...data, recordId: 5 }));
    expect(invalid).toMatchObject({ code: 2, stdout: "" });
    expect(invalid.stderr).toBe('evc: invalid "record-created" v2: /data/recordId must be string\n');
    const noAggregate = await evc(env, "publish", "record-created", "--data", JSON.stringify(data));
    expect(noAggregate.stderr).toBe('evc: invalid argument "aggregate-id": the id of the event\'s aggregate, but none was given: give --aggregate-id <id> when --data is the event\'s data, or give the whole event (with its aggregateId) as --data\n');
    const notJson = await evc(env, "publish", "record-created", "--aggregate-id", "x", "--data", "{oops");
    expect(notJson.stderr).toContain('invalid argument "data": JSON or @file, but it is not JSON');
    const unknownType = await evc(env, "publish", "record-creatd", "--data", JSON.stringify(data));
    expect(unknownType).toMatchObject({ code: 2, stderr: 'evc: invalid argument "type": an event type of the registry, but "record-creatd" is none; did you mean "record-created"?\n' });
    const farOff = await evc(env, "publish", "no-such-thing-at-all", "--data", JSON.stringify(data));
    expect(farOff).toMatchObject({ code: 2, stderr: 'evc: invalid argument "type": an event type of the registry, but "no-such-thing-at-all" is none\n' });
    expect(await evc(env, "tail", "record-creatd")).toMatchObject({ code: 2, stderr: 'evc: invalid argument "pattern": an event type or a pattern matching one, but "record-creatd" is no type of the registry; did you mean "record-created"?\n' });
    const unknownVersion = await evc(env, "publish", "record-created", "--version", "7", "--data", JSON.stringify(data));
    expect(unknownVersion.stderr).toMatch(/^evc: unknown event "record-created" v7: /);
    for (const [args, said] of [
      [["publish", "record-created", "--version", "1.5", "--data", "{}"], 'invalid argument "version": a positive integer, not "1.5"'],
      [["tail", "record-created", "--count", "0.5"], 'invalid argument "count": a positive integer, not "0.5"'],
      [["dlq", "list", "--limit", "many"], 'invalid argument "limit": a positive integer, not "many"'],
      [["dlq", "replay", "1", "x", "--stream", "LATECHFORCE_DLQ"], 'invalid argument "seq": a positive integer, not "x"'],
    ] as const) {
      expect(await evc(env, ...args)).toMatchObject({ code: 2, stdout: "", stderr: `evc: ${said}\n` });
    }
    expect((await fixture.bus.manager.streams.info("LATECHFORCE")).state.messages).toBe(0);
  });

  test("tail prints stored events decoded and upcast, and stops after --count", async () => {
    await evc(env, "publish", "record-created", "--version", "1", "--aggregate-id", "tbl-cli", "--data", JSON.stringify({ tableId: "tbl-cli", recordId: "r-1", fields: {} }));
    await evc(env, "publish", "record-updated", "--aggregate-id", "tbl-cli", "--data", JSON.stringify({ tableId: "tbl-cli", recordId: "r-1", previousFields: {}, currentFields: {}, changedFields: [] }));
    await evc(env, "publish", "record-created", "--aggregate-id", "tbl-cli", "--data", JSON.stringify(data));
    const tailed = await evc(env, "tail", "record-created", "--from-start", "--count", "2", "--json");
    expect(tailed.code).toBe(0);
    const events = tailed.stdout.trim().split("\n").map((line) => JSON.parse(line) as { version: number; data: { createdBy: string; recordId: string } });
    expect(events.map((event) => [event.version, event.data.createdBy])).toEqual([
      [2, "unknown"],
      [2, "user-ada"],
    ]);
    const text = await evc(env, "tail", ">", "--from-start", "--count", "3");
    expect(text.stdout.split("\n")[0]).toMatch(/^LATECHFORCE #1 latechforce\.table\.tbl-cli record-created v2 \(from v1\) \{/);
    expect(text.stdout).toContain("record-updated v1");
  });

  test("tail --since starts at a time or a duration back from now, and is refused beside --from-start or when it is neither", async () => {
    const publish = (recordId: string) => evc(env, "publish", "record-created", "--aggregate-id", "tbl-cli", "--data", JSON.stringify({ ...data, recordId }));
    await publish("r-before");
    const between = new Date();
    await sleep(50);
    await publish("r-after");
    const recordIds = (stdout: string) => stdout.trim().split("\n").map((line) => (JSON.parse(line) as { data: { recordId: string } }).data.recordId);
    const since = await evc(env, "tail", "record-created", "--since", between.toISOString(), "--count", "1", "--json");
    expect(since.code).toBe(0);
    expect(recordIds(since.stdout)).toEqual(["r-after"]);
    const lastHour = await evc(env, "tail", "record-created", "--since", "1h", "--count", "2", "--json");
    expect(recordIds(lastHour.stdout)).toEqual(["r-before", "r-after"]);
    expect(await evc(env, "tail", "record-created", "--since", "1h", "--from-start")).toMatchObject({ code: 2, stderr: 'evc: invalid argument "since": either --since or --from-start, not both\n' });
    expect(await evc(env, "tail", "record-created", "--since", "yesterday")).toMatchObject({
      code: 2,
      stderr: 'evc: invalid argument "since": an ISO 8601 time (2026-12-03T09:00:00Z) or a duration back from now (30s, 15m, 2h, 7d), not "yesterday"\n',
    });
  });

  test("tail prints control and invisible characters a message holds as escapes, never raw", async () => {
    const headers = natsHeaders();
    headers.set("ce-specversion", "1.0");
    headers.set("ce-type", "record-created\u001b[2J\u202e");
    headers.set("ce-eventversion", "1");
    await fixture.bus.jetstream.publish("latechforce.table.tbl-cli", "{}", { headers });
    await evc(env, "publish", "record-created", "--aggregate-id", "tbl-cli", "--data", JSON.stringify(data));
    const tailed = await evc(env, "tail", ">", "--from-start", "--count", "1");
    expect(tailed.code).toBe(0);
    expect(tailed.stderr).toContain('unknown event "record-created\\u{1b}[2J\\u{202e}" v1');
    expect(`${tailed.stdout}${tailed.stderr}`).not.toMatch(/[\u001b\u202e]/u);
  });

  test("dlq list, show and replay", async () => {
    await evc(env, "publish", "record-created", "--aggregate-id", "tbl-cli", "--data", JSON.stringify(data));
    const failing = await fixture.bus.subscribe(
      "record-created",
      () => {
        throw new TransientFailure("not now", { category: "flaky" });
      },
      { durable: "cli-dlq", maxDeliver: 2, backoffMs: [5] },
    );
    for await (const notification of failing.status()) if (notification.type === "dead_lettered") break;
    await fixture.bus.unsubscribe(failing);

    const listed = await evc(env, "dlq", "list");
    expect(listed.stdout).toMatch(/^LATECHFORCE_DLQ #1 \S+ record-created v2 latechforce\.table\.tbl-cli consumer=cli-dlq deliveries=2 category=flaky: not now\n$/);
    const shown = await evc(env, "dlq", "show", "1", "--stream", "LATECHFORCE_DLQ", "--json");
    expect(JSON.parse(shown.stdout)).toMatchObject({ seq: 1, reason: "not now", error: "TransientFailure", category: "flaky", deliveries: 2, consumer: "cli-dlq", payload: expect.stringContaining('"createdBy":"user-ada"') });
    // JSON gives the headers as the wire carries them; text, as they read.
    expect(JSON.parse(shown.stdout)).toMatchObject({ headers: { "evc-dlq-reason": "not%20now" } });
    expect((await evc(env, "dlq", "show", "1", "--stream", "LATECHFORCE_DLQ")).stdout).toContain("\n  evc-dlq-reason: not now\n");
    expect((await evc(env, "dlq", "show", "1")).stderr).toContain('invalid argument "stream": one dead-letter stream');

    const replayed = await evc(env, "dlq", "replay", "1", "--stream", "LATECHFORCE_DLQ");
    expect(replayed.stdout).toBe("replayed LATECHFORCE_DLQ #1 to consumer cli-dlq as LATECHFORCE_DLQ_REPLAY #1\n");
    expect(JSON.parse((await evc(env, "dlq", "list", "--json")).stdout)).toEqual({ command: "dlq list", ok: true, exitCode: 0, summary: "0 dead letters", findings: [], items: [] });
    expect((await fixture.bus.manager.streams.info("LATECHFORCE")).state.messages).toBe(1);
    const replays = await fixture.bus.manager.streams.info("LATECHFORCE_DLQ_REPLAY", { subjects_filter: ">" });
    expect(replays.state.subjects).toEqual({ "replay.dlq.latechforce.cli-dlq.latechforce.table.tbl-cli": 1 });
  });

  test("without --registry, the runtime commands load index.ts of the output folder that evc.config.yaml (or --config) names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "evc-cli-config-"));
    try {
      writeFileSync(join(dir, "evc.config.yaml"), "version: 1\noutput:\n  dir: sdk\n");
      writeFileSync(join(dir, "other.yaml"), "version: 1\noutput:\n  dir: elsewhere\n");
      mkdirSync(join(dir, "sdk"));
      writeFileSync(join(dir, "sdk/index.ts"), `export { registry } from ${JSON.stringify(join(import.meta.dirname, "../../generated/index.ts"))};\n`);
      const run = (...args: string[]) => evcIn(dir, env, ...args);
      const published = await run("publish", "record-created", "--aggregate-id", "tbl-cli", "--data", JSON.stringify(data));
      expect(published).toMatchObject({ code: 0, stderr: "" });
      const elsewhere = await run("publish", "record-created", "--aggregate-id", "tbl-cli", "--data", JSON.stringify(data), "--config", "other.yaml");
      expect(elsewhere).toMatchObject({ code: 2, stderr: 'evc: invalid argument "registry": a module exporting the generated registry, but "elsewhere/index.ts" does not exist (run `evc generate` first, or name the module with --registry)\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a server that is not there is a clear failure (exit 2)", async () => {
    const result = await evc({ NATS_URL: "nats://127.0.0.1:1" }, "dlq", "list");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^evc: cannot connect to nats:\/\/127\.0\.0\.1:1: /);
  });

  test("on a server no service has provisioned yet, tail and dlq name the missing stream and what creates it (exit 2)", async () => {
    await using server = await startNatsServer();
    const fresh = { NATS_URL: server.url };
    const missing = (streams: string) => `evc: ${streams} not exist on this server yet: a service creates the specs' streams when it connects (connect() provisions them), and so does evc publish\n`;
    expect(await evc(fresh, "tail", "record-created", "--count", "1")).toMatchObject({ code: 2, stderr: missing('stream "LATECHFORCE" does') });
    expect(await evc(fresh, "dlq", "show", "1", "--stream", "LATECHFORCE_DLQ")).toMatchObject({ code: 2, stderr: missing('stream "LATECHFORCE_DLQ" does') });
    const list = await evc(fresh, "dlq", "list");
    expect(list.code).toBe(2);
    expect(list.stderr).toMatch(/^evc: streams "[A-Z0-9_]+_DLQ", .* do not exist on this server yet/);
    expect(await evc(fresh, "publish", "record-created", "--aggregate-id", "tbl-cli", "--data", JSON.stringify(data))).toMatchObject({ code: 0 });
    expect(await evc(fresh, "dlq", "list", "--stream", "LATECHFORCE_DLQ")).toMatchObject({ code: 0, stdout: "no dead letters\n" });
  });
});
