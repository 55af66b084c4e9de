/** The demo as a program: a server of its own unless one is given, a bus on the seeds' registry, every flow. */
import { connect } from "@evc/runtime";
import { startNatsServer } from "@evc/runtime/testing";
import { registry } from "@evc/seeds";
import { runDemo } from "./run.js";
import type { Log } from "./scope.js";

/**
 * Run the seeds' flows end to end on JetStream with progress output. With no `server` it starts a
 * `nats-server -js` of its own on a free loopback port with a temporary store, and stops it after.
 * Integr8sCode's flow creates a database of its own on the PostgreSQL of `postgresUrl` (default
 * 127.0.0.1:5432 as `postgres`) and drops it after.
 */
export async function runDemoOn(server: string | undefined, log: Log, postgresUrl?: string): Promise<void> {
  await using local = server === undefined ? await startNatsServer() : undefined;
  if (local !== undefined) log(`started nats-server ${local.version} -js on ${local.url} (temporary store)`);
  const bus = await connect({ registry, servers: server ?? local?.url ?? [], name: "evc-demo", service: "evc-demo", source: "evc-demo" });
  log(`connected to nats-server ${bus.server.text}; streams provisioned: ${registry.topology.streams.map((stream) => stream.name).join(", ")}`);
  try {
    await runDemo(bus, log, { postgresUrl });
  } finally {
    await bus.close();
  }
  if (local !== undefined) log("stopped the demo's nats-server");
}
