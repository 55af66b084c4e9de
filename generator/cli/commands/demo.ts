import { registry } from "../../../generated/index.js";
import { runDemo } from "../../../demo/run.js";
import { connect } from "../../../runtime/index.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { startNatsServer } from "../local-nats-server.js";
import { reportFailure } from "../report.js";

/**
 * `evc demo [--server <url>]`: run the seeds' flows end to end on JetStream with progress output.
 * With no `--server` and no `NATS_URL`, it starts a `nats-server -js` of its own on a free loopback
 * port with a temporary store, and stops it after. Integr8sCode's flow creates a database of its own
 * on the PostgreSQL of `EVC_POSTGRES_URL` (default 127.0.0.1:5432 as `postgres`) and drops it after.
 */
export const demoCommand: CommandRegistration = (program, io, done) => {
  program
    .command("demo")
    .description("run the seeds' flows end to end on JetStream (a server of its own unless --server or NATS_URL)")
    .option("--server <url>", "the NATS server to use (default: $NATS_URL, else a nats-server started for the demo)")
    .action(async (flags: { server?: string }) => {
      const log = (line: string) => io.stdout(`${line}\n`);
      const url = flags.server ?? io.env["NATS_URL"];
      try {
        await using local = url === undefined ? await startNatsServer() : undefined;
        if (local !== undefined) log(`started nats-server ${local.version} -js on ${local.url} (temporary store)`);
        const bus = await connect({ registry, servers: url ?? local?.url ?? [], name: "evc-demo", source: "evc-demo" });
        log(`connected to nats-server ${bus.server.text}; streams provisioned: ${registry.topology.streams.map((stream) => stream.name).join(", ")}`);
        try {
          await runDemo(bus, log, { postgresUrl: io.env["EVC_POSTGRES_URL"] });
        } finally {
          await bus.close();
        }
        if (local !== undefined) log("stopped the demo's nats-server");
        done(ExitCode.ok);
      } catch (error) {
        done(reportFailure(io, error, "the demo stopped"));
      }
    });
};
