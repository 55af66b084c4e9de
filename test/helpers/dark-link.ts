import { connect as tcpConnect, createServer, type AddressInfo, type Server } from "node:net";

/** A TCP proxy in front of a nats-server whose first link goes dark after a given client write. */
export interface DarkLink extends AsyncDisposable {
  /** The proxy's `nats://` URL, to connect a client through. */
  readonly url: string;
}

/**
 * Proxy `serverUrl`'s port; on the first link, once the client has written a chunk that holds
 * `trigger`, what the server sends is lost from then on (the chunk itself reaches the server), and
 * the link drops `dropAfterMs` later, as a flaky network does. Later links pass everything.
 */
export async function darkLinkAfter(serverUrl: string, trigger: string, dropAfterMs: number): Promise<DarkLink> {
  const port = Number(new URL(serverUrl).port);
  let armed = true;
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(port, "127.0.0.1");
    let dark = false;
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      if (armed && chunk.toString("latin1").includes(trigger)) {
        armed = false;
        dark = true;
        setTimeout(() => {
          client.destroy();
          upstream.destroy();
        }, dropAfterMs);
      }
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!dark) client.write(chunk);
    });
    for (const [one, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      one.on("error", () => other.destroy());
      one.on("close", () => other.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `nats://127.0.0.1:${(server.address() as AddressInfo).port}`,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
