import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { useBus } from "../helpers/bus.js";
import { spawnTs } from "../helpers/spawn-ts.js";

const fixture = useBus({ reset: false });
const dir = mkdtempSync(join(tmpdir(), "evc-fault-"));
const record = join(dir, "handled.txt");
const script = join(import.meta.dirname, "../fixtures/runtime/consumer.ts");

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

function handled(): string[] {
  return existsSync(record) ? readFileSync(record, "utf8").split("\n").filter((line) => line !== "") : [];
}

async function startConsumer(): Promise<ChildProcess> {
  // node itself with tsx as a loader: one process, so that SIGKILL kills the consumer and not a wrapper.
  const child = spawnTs(script, [fixture.server.url, record]);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`consumer exited with ${code} before it was ready`)));
  });
  return child;
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("fault - a consumer killed mid-batch", () => {
  test("loses nothing: after a SIGKILL and a restart every event is handled at least once", async () => {
    const tableId = "tbl-fault";
    const events = Array.from(
      { length: 2_000 },
      (_, index) =>
        new sdk.RecordCreatedV2({
          id: randomUUID(),
          aggregateId: tableId,
          timestamp: new Date().toISOString(),
          metadata: {},
          data: { tableId, recordId: `r-${index}`, fields: {}, createdBy: "fault" },
        }),
    );
    const results = await fixture.bus.publishBatch(events);
    expect(results.every((result) => result.ok)).toBe(true);

    const first = await startConsumer();
    await until(() => handled().length >= 300, "the first consumer to handle 300 events");
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const beforeRestart = new Set(handled()).size;
    expect(beforeRestart).toBeLessThan(events.length);

    const second = await startConsumer();
    try {
      await until(() => new Set(handled()).size === events.length, "every event to be handled");
    } finally {
      second.kill("SIGKILL");
      await new Promise((resolve) => second.once("exit", resolve));
    }
    const ids = new Set(handled());
    expect([...ids].sort()).toEqual(events.map((event) => event.id).sort());
  }, 120_000);
});
