import { cp, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { buildCatalog } from "../../studio/catalog.js";
import { builtAssets } from "../../studio/assets.js";
import { loadContracts } from "../../load.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { Reporter } from "../output.js";
import { printWarnings, reportFailure } from "../report.js";
import { counted } from "../../wording.js";
import { specOptions, specsToLoad, type SettingsFlags } from "../settings.js";

/**
 * `evc catalog --out <dir>`: the catalog as a static site, for CI to publish: the studio's page
 * and `catalog.json`, served by any web server, with no studio behind it.
 */
export const catalogCommand: CommandRegistration = (command, io, done) => {
  specOptions(command.requiredOption("--out <dir>", "the folder to write the site to"))
    .action(async (flags: SettingsFlags & { out: string }) => {
      const reporter = new Reporter(io, "catalog", "text");
      try {
        const assets = builtAssets();
        const loaded = await loadContracts(await specsToLoad(flags, io));
        printWarnings(reporter, loaded.warnings);
        const catalog = buildCatalog(loaded);
        const out = resolve(io.cwd, flags.out);
        await mkdir(out, { recursive: true });
        await cp(assets, out, { recursive: true });
        await writeFile(join(out, "catalog.json"), `${JSON.stringify(catalog)}\n`);
        const versions = catalog.events.reduce((sum, event) => sum + event.versions.length, 0);
        io.stdout(`wrote the catalog of ${counted(catalog.events.length, "event type")} (${counted(versions, "version")}, ${counted(catalog.systems.length, "system")}) to ${flags.out}\n`);
        done(ExitCode.ok);
      } catch (error) {
        done(reportFailure(reporter, error, "no catalog written"));
      }
    });
};
