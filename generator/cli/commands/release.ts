import { contractName, checkLock, readLock, writeLock } from "../../compat/lock.js";
import { loadContracts } from "../../load.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { formatOption, Reporter } from "../output.js";
import { printChanges, printWarnings, reportFailure } from "../report.js";
import { loadOptions, lockCheckOptions, readSettings, specOptions, type SettingsFlags } from "../settings.js";
import { counted, releasedChangeHint } from "../../wording.js";
import { displayPath } from "../../paths.js";

/**
 * `evc release`: record every event version of the specs in the lock, so that `evc check` holds
 * them to their modes from now on. Refuses (exit 1, lock untouched) when a released version breaks
 * its lock without an accepted break.
 */
export const releaseCommand: CommandRegistration = (command, io, done) => {
  formatOption(specOptions(command))
    .option("--policy <policy>", "strict or lenient, for the schema rules (default: the configuration's, else strict)")
    .action(async (flags: SettingsFlags & { format?: string; json?: boolean }) => {
      const reporter = Reporter.from(io, "release", flags);
      try {
        reporter.checkFormat();
        const settings = await readSettings(flags, io);
        const { compatibility } = settings;
        const head = await loadContracts(loadOptions(settings, flags, io));
        printWarnings(reporter, head.warnings);
        const lock = displayPath(io.cwd, compatibility.lock);
        const gate = checkLock(head, lockCheckOptions(settings, io));
        const breaking = gate.changes.filter((change) => change.severity === "breaking");
        if (breaking.length > 0) {
          printChanges(reporter, breaking);
          done(reporter.finish(ExitCode.finding, `evc: ${counted(breaking.length, "breaking change")} of released contracts; ${lock} left unchanged; ${releasedChangeHint}`, "stderr"));
          return;
        }
        printChanges(reporter, gate.changes.filter((change) => change.severity === "accepted"));
        const before = new Map(readLock(compatibility.lock, io.cwd).map((version) => [contractName(version), version]));
        const added = head.model.events.filter((event) => !before.has(contractName(event)));
        const changed = gate.changes.filter((change) => change.rule === "SCHEMA_CHANGED" || change.severity === "accepted");
        writeLock(compatibility.lock, head.model.events);
        for (const event of added) reporter.text(`released ${contractName(event)}\n`);
        for (const name of new Set(changed.map(contractName))) reporter.text(`updated ${name}\n`);
        done(reporter.finish(ExitCode.ok, `${lock}: ${counted(head.model.events.length, "released event version")} (${added.length} new)`));
      } catch (error) {
        done(reportFailure(reporter, error, "nothing released"));
      }
    });
};
