import { contractName, checkLock, readLock, writeLock } from "../../compat/lock.js";
import { loadContracts } from "../../load.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { printChanges, printUnusedAccepts, printWarnings, reportFailure } from "../report.js";
import { readSettings, shownPath, specOptions, type SettingsFlags } from "../settings.js";

/**
 * `evc release`: record every event version of the specs in the lock, so that `evc check` holds
 * them to their modes from now on. Refuses (exit 1, lock untouched) when a released version breaks
 * its lock without an accepted break.
 */
export const releaseCommand: CommandRegistration = (program, io, done) => {
  specOptions(program.command("release").description("record the contracts of the specs in the lock of released contracts"))
    .option("--policy <policy>", "strict or lenient, for the schema rules (default: the configuration's, else strict)")
    .action(async (flags: SettingsFlags) => {
      try {
        const settings = readSettings(flags, io);
        const { compatibility } = settings;
        const head = await loadContracts({ specs: settings.specs, cwd: io.cwd, allowRemoteRefs: flags.allowRemoteRefs === true, defaultCompatibility: compatibility.mode });
        printWarnings(io, head.warnings);
        const lock = shownPath(io, compatibility.lock);
        const gate = checkLock(head, { lock: compatibility.lock, cwd: io.cwd, policy: compatibility.policy, accept: compatibility.accept });
        const breaking = gate.changes.filter((change) => change.severity === "breaking");
        if (breaking.length > 0) {
          printChanges(io, breaking);
          io.stderr(`evc: ${breaking.length} breaking change${breaking.length === 1 ? "" : "s"} of released contracts; ${lock} left unchanged\n`);
          done(ExitCode.finding);
          return;
        }
        printChanges(io, gate.changes.filter((change) => change.severity === "accepted"));
        printUnusedAccepts(io, gate.unused);
        const before = new Map(readLock(compatibility.lock, io.cwd).map((version) => [contractName(version), version]));
        const added = head.model.events.filter((event) => !before.has(contractName(event)));
        const changed = gate.changes.filter((change) => change.rule === "SCHEMA_CHANGED" || change.severity === "accepted");
        writeLock(compatibility.lock, head.model.events);
        for (const event of added) io.stdout(`released ${contractName(event)}\n`);
        for (const name of new Set(changed.map(contractName))) io.stdout(`updated ${name}\n`);
        io.stdout(`${lock}: ${head.model.events.length} released event versions (${added.length} new)\n`);
        done(ExitCode.ok);
      } catch (error) {
        done(reportFailure(io, error, "nothing released"));
      }
    });
};
