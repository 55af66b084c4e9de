/**
 * `evc studio` as a process: with no server given it starts a nats-server of its own with the
 * streams provisioned, and an interrupt stops it cleanly, that server included.
 */
import { connect as connectSocket } from "node:net";
import { once } from "node:events";
import { expect, test } from "vitest";
import { startEvc } from "../helpers/evc-process.js";

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectSocket({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

test("with no --server the studio runs a nats-server of its own, and SIGTERM stops both", async () => {
  const { NATS_URL: _ignored, ...env } = process.env;
  await using studio = await startEvc(/on nats:\/\/127\.0\.0\.1:(\d+)[\s\S]*evc studio: (http:\S+)/, ["studio", "--port", "0"], 90_000, env);
  const natsPort = Number(studio.match[1]);
  expect(await accepting(natsPort)).toBe(true);
  const streams = (await (await fetch(`${studio.match[2]}api/streams`)).json()) as { streams: { name: string; error?: string }[] };
  expect(streams.streams.find((stream) => stream.name === "LATECHFORCE")?.error).toBeUndefined();

  const exited = once(studio.child, "exit");
  studio.child.kill("SIGTERM");
  expect(await exited).toEqual([0, null]);
  expect(await accepting(natsPort)).toBe(false);
});
