import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { useBus } from "../helpers/bus.js";
import { recordsCreated } from "../helpers/records.js";
import { spawnTs } from "../helpers/spawn-ts.js";
import { until } from "../helpers/until.js";

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

describe("fault - a consumer killed mid-batch", () => {
  test("loses nothing: after a SIGKILL and a restart every event is handled at least once", async () => {
    const events = recordsCreated("tbl-fault", 2_000, "fault");
    const results = await fixture.bus.publishBatch(events);
    expect(results.every((result) => result.ok)).toBe(true);

    const first = await startConsumer();
    await until(() => handled().length >= 300, "the first consumer to handle 300 events", 60_000);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const beforeRestart = new Set(handled()).size;
    expect(beforeRestart).toBeLessThan(events.length);

    const second = await startConsumer();
    try {
      await until(() => new Set(handled()).size === events.length, "every event to be handled", 60_000);
    } finally {
      second.kill("SIGKILL");
      await new Promise((resolve) => second.once("exit", resolve));
    }
    const ids = new Set(handled());
    expect([...ids].sort()).toEqual(events.map((event) => event.id).sort());
  }, 120_000);
});
