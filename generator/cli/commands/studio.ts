import { buildCatalog } from "../../studio/catalog.js";
import { builtAssets } from "../../studio/assets.js";
import { startStudio } from "../../studio/server.js";
import { loadContracts } from "../../load.js";
import { ArgumentError } from "@evc/runtime/errors";
import { busOptions, connectBus, type BusFlags } from "../bus.js";
import { startNatsServer } from "@evc/runtime/testing";
import { ExitCode, type CommandRegistration } from "../io.js";
import { Reporter } from "../output.js";
import { printWarnings, reportFailure } from "../report.js";
import { specFlags, specsToLoad, type SettingsFlags } from "../settings.js";

interface StudioFlags extends BusFlags, SettingsFlags {
  port: string;
  host?: string;
  metrics: string[];
}

/**
 * `evc studio [--port] [--host] [--server]`: a local web app with the catalog of contracts, the live
 * events, the dead letters and the streams. It listens on 127.0.0.1 unless `--host` says otherwise,
 * and runs until it is interrupted (then it stops cleanly) or the NATS connection closes. With no `--server` and no
 * `NATS_URL`, it starts a `nats-server -js` of its own with the streams provisioned.
 */
export const studioCommand: CommandRegistration = (command, io, done) => {
  busOptions(
    specFlags(
      command
        .option("--port <n>", "the port to listen on (0: a free one)", "4280")
        .option("--host <address>", "listen on this address; anything but loopback lets other machines reach the studio")
        .option("--metrics <url>", "a service's Prometheus endpoint to show the runtime's figures of (repeatable)", (url: string, urls: string[]) => [...urls, url], []),
    ),
  ).action(async (flags: StudioFlags) => {
    const reporter = new Reporter(io, "studio", "text");
    try {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ArgumentError("port", `a port number (0 to 65535), not "${flags.port}"`);
      for (const url of flags.metrics) if (!URL.canParse(url)) throw new ArgumentError("metrics", `an http(s) URL, not "${url}"`);
      const assets = builtAssets();
      const loaded = await loadContracts(await specsToLoad(flags, io));
      printWarnings(reporter, loaded.warnings);
      const url = flags.server ?? io.env["NATS_URL"];
      await using local = url === undefined ? await startNatsServer() : undefined;
      if (local !== undefined) io.stdout(`started nats-server ${local.version} -js on ${local.url} (temporary store; publish to it with --server ${local.url})\n`);
      const bus = await connectBus({ ...flags, server: url ?? (local as NonNullable<typeof local>).url }, io, local !== undefined);
      try {
        const host = flags.host ?? "127.0.0.1";
        await using studio = await startStudio({ bus, catalog: buildCatalog(loaded), assets, host, port, allowRemote: flags.host !== undefined, metricsUrls: flags.metrics });
        io.stdout(`evc studio: ${studio.url} (NATS ${bus.server.text})\n`);
        if (flags.host !== undefined) io.stderr(`evc studio: listening on ${host}, as --host says: anyone who can reach it can read these streams and replay dead letters\n`);
        await Promise.race([bus.connection.closed(), new Promise<void>((resolve) => io.onInterrupt?.(resolve))]);
        io.stdout("evc studio: stopping\n");
      } finally {
        await bus.close();
      }
      done(ExitCode.ok);
    } catch (error) {
      done(reportFailure(reporter, error, "the studio stopped"));
    }
  });
};
