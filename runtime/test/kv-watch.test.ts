import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import { watchKey } from "../kv-watch.js";
import { startNatsServer } from "../testing.js";

describe("runtime - watching a KV key", () => {
  test("returns the first record that satisfies the condition, and ends with the signal's reason however early it aborts", async () => {
    await using server = await startNatsServer();
    const nc = await connect({ servers: server.url });
    try {
      const kv = await new Kvm(nc).create("watch-test", { history: 1 });
      const timedOut = () => new Error("timed out");
      const reached = watchKey<{ n: number }>(kv, "k", (record) => record.n === 2, 60_000, timedOut);
      await kv.put("k", JSON.stringify({ n: 1 }));
      await kv.put("k", JSON.stringify({ n: 2 }));
      expect(await reached).toEqual({ n: 2 });

      const beforeWatch = new AbortController();
      const aborted = watchKey(kv, "k", () => false, 60_000, timedOut, beforeWatch.signal);
      beforeWatch.abort(new Error("stopped while the watch was being created"));
      await expect(aborted).rejects.toThrow("stopped while the watch was being created");

      const duringWatch = new AbortController();
      const watching = watchKey(kv, "k", () => false, 60_000, timedOut, duringWatch.signal);
      await kv.put("k", JSON.stringify({ n: 3 }));
      duringWatch.abort(new Error("stopped"));
      await expect(watching).rejects.toThrow("stopped");
      await expect(watchKey(kv, "k", () => false, 100, timedOut)).rejects.toThrow("timed out");
    } finally {
      await nc.close();
    }
  }, 20_000);
});
