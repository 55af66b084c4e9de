import { registry } from "../../generated/index.js";
import { connect, type EventBus } from "../../runtime/index.js";
import { startNatsServer, type NatsServer } from "./nats-server.js";

/** A test server and a bus on it, with the generated registry; `reset()` empties every stream. */
export interface BusFixture {
  readonly server: NatsServer;
  readonly bus: EventBus;
  /** Drain subscriptions, delete every stream and consumer, provision the topology again, resume. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Start a server and connect a bus to it. */
export async function startBus(): Promise<BusFixture> {
  const server = await startNatsServer();
  const bus = await connect({ registry, servers: server.url, name: "evc-test" });
  return {
    server,
    bus,
    async reset() {
      await bus.stop();
      for await (const name of bus.manager.streams.names()) await bus.manager.streams.delete(name);
      await bus.provision();
      await bus.start();
    },
    async close() {
      await bus.close();
      await server[Symbol.asyncDispose]();
    },
  };
}
