import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { registry, type LatestEvents } from "@evc/seeds";
import { connect, type EventBus, type Registry } from "@evc/runtime";
import { createMetrics, type PrometheusMetrics } from "@evc/runtime/metrics";
import { startNatsServer, type NatsServer } from "./nats-server.js";

/** A test server and a bus on it, with the generated registry; `reset()` empties every stream. */
export interface BusFixture {
  readonly server: NatsServer;
  readonly bus: EventBus<LatestEvents>;
  /** The bus's metrics, in a prom-client registry of their own. */
  readonly metrics: PrometheusMetrics;
  /** Drain subscriptions, delete every stream and consumer, provision the topology again, resume. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Start a server and connect a bus to it. */
export async function startBus(): Promise<BusFixture> {
  const server = await startNatsServer();
  const metrics = createMetrics();
  const bus = await connect({ registry, servers: server.url, name: "evc-test", service: "evc-test", metrics });
  return {
    server,
    bus,
    metrics,
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

/**
 * The bus fixture of one test file: started before its tests, closed after them, and, with
 * `reset`, emptied before each test. Register it before the file's own hooks that use it.
 */
export function useBus(options: { reset: boolean }): BusFixture {
  let current: BusFixture | undefined;
  const started = (): BusFixture => {
    if (current === undefined) throw new Error("the bus fixture is used before its beforeAll hook ran");
    return current;
  };
  beforeAll(async () => {
    current = await startBus();
  });
  afterAll(() => current?.close());
  if (options.reset) beforeEach(() => started().reset());
  return {
    get server() {
      return started().server;
    },
    get bus() {
      return started().bus;
    },
    get metrics() {
      return started().metrics;
    },
    reset: () => started().reset(),
    close: () => started().close(),
  };
}

/**
 * Buses of one test each, each on a server of its own (for limits a shared server's streams must
 * not get): the returned function starts a server and connects a bus with `registry` as `service`;
 * whatever a test opened is closed after it.
 */
export function useOwnServerBuses(): (registry: Registry<LatestEvents>, service: string) => Promise<EventBus<LatestEvents>> {
  const opened: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of opened.splice(0).reverse()) await close();
  });
  return async (registry, service) => {
    const server = await startNatsServer();
    const bus = await connect({ registry, servers: server.url, service });
    opened.push(async () => {
      await bus.close();
      await server[Symbol.asyncDispose]();
    });
    return bus;
  };
}
