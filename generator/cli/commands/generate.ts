import type { Command } from "commander";
import { checkLock } from "../../compat/lock.js";
import { check, generate } from "../../generate.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { formatOption, Reporter } from "../output.js";
import { printChanges, printUnusedAccepts, printWarnings, reportFailure } from "../report.js";
import { generateOptions, readSettings, shownPath, specOptions, type SettingsFlags } from "../settings.js";

interface OutputFlags extends SettingsFlags {
  format?: string;
  json?: boolean;
}

function outputOptions(command: Command): Command {
  return formatOption(
    specOptions(command)
      .option("--out <dir>", "the output folder, which evc owns (default: the configuration's, else generated)")
      .option("--upcasters <dir>", "the folder of hand-written upcasters (default: the configuration's, else upcasters)")
      .option("--runtime-import <specifier>", "how generated code imports the runtime helpers"),
  );
}

/** `evc generate`: write the SDK from the specs, atomically; exit 1 on spec errors, leaving the output as it was. */
export const generateCommand: CommandRegistration = (command, io, done) => {
  outputOptions(command).action(async (flags: OutputFlags) => {
    const started = performance.now();
    const reporter = Reporter.from(io, "generate", flags);
    let out = flags.out ?? "the output folder";
    try {
      reporter.checkFormat();
      const settings = readSettings(flags, io);
      out = shownPath(io, settings.output.dir);
      const result = await generate(generateOptions(settings, flags, io));
      printWarnings(reporter, result.warnings);
      const { events, systems } = result.model;
      const took = Math.round(performance.now() - started);
      for (const file of result.files) reporter.text(`${file.reason === "extra" ? "removed" : "wrote"} ${file.path}\n`);
      printWarnings(reporter, result.upcasterProblems, true);
      const unwritten = result.upcasterProblems.length;
      const upcasters = unwritten === 0 ? "" : `; ${unwritten} hand-written upcaster${unwritten === 1 ? "" : "s"} to fix: events would be dead-lettered or the SDK would not compile`;
      done(reporter.finish(unwritten === 0 ? ExitCode.ok : ExitCode.finding, `${events.length} event versions of ${systems.length} systems: ${result.files.length === 0 ? "nothing changed" : `${result.files.length} files updated`} (${took} ms)${upcasters}`));
    } catch (error) {
      done(reportFailure(reporter, error, `${out} left unchanged`));
    }
  });
};

/**
 * `evc check`: exit 1 naming every stale file when the SDK does not match the specs, and every
 * change of a released contract that the lock forbids (accepted breaks pass, reported as such).
 */
export const checkCommand: CommandRegistration = (command, io, done) => {
  outputOptions(command)
    .option("--policy <policy>", "strict or lenient, for the schema rules (default: the configuration's, else strict)")
    .action(async (flags: OutputFlags) => {
      const reporter = Reporter.from(io, "check", flags);
      try {
        reporter.checkFormat();
        const settings = readSettings(flags, io);
        const result = await check(generateOptions(settings, flags, io));
        printWarnings(reporter, result.warnings);
        printWarnings(reporter, result.upcasterProblems, true);
        for (const file of result.files) {
          const message = `${file.path} is stale (${file.reason})`;
          reporter.add({ severity: "error", rule: "STALE_FILE", message, location: { file: file.path, line: 1, column: 1 } }, `stale: ${file.path} (${file.reason})\n`, "stderr");
        }
        const { compatibility } = settings;
        const gate = checkLock(result, { lock: compatibility.lock, cwd: io.cwd, policy: compatibility.policy, accept: compatibility.accept });
        const unreleased = gate.changes.filter((change) => change.rule === "EVENT_ADDED" || change.rule === "VERSION_ADDED").length;
        printChanges(reporter, gate.changes.filter((change) => change.rule !== "EVENT_ADDED" && change.rule !== "VERSION_ADDED"));
        printUnusedAccepts(reporter, gate.unused);
        const breaking = gate.changes.filter((change) => change.severity === "breaking").length;
        const accepted = gate.changes.filter((change) => change.severity === "accepted").length;
        const lock = shownPath(io, compatibility.lock);
        const stale = result.files.length;
        const sdk = stale > 0 ? `${stale} generated files are stale; run \`evc generate\`` : `${shownPath(io, settings.output.dir)} is in sync with ${shownPath(io, settings.specs)}`;
        const held = !gate.locked
          ? `${lock} does not exist: no contract is released yet; run \`evc release\``
          : breaking > 0
            ? `${breaking} breaking change${breaking === 1 ? "" : "s"} of released contracts (${lock})`
            : `released contracts hold (${lock}${accepted > 0 ? `; ${accepted} accepted break${accepted === 1 ? "" : "s"}` : ""})`;
        const pending = gate.locked && unreleased > 0 ? `; ${unreleased} event version${unreleased === 1 ? "" : "s"} not released yet: \`evc release\` locks them` : "";
        if (stale > 0) reporter.text(`evc: ${sdk}\n`, "stderr");
        else reporter.text(`${sdk}\n`);
        const unwritten = result.upcasterProblems.length;
        const upcasters = unwritten === 0 ? "" : `; ${unwritten} hand-written upcaster${unwritten === 1 ? "" : "s"} to fix`;
        done(reporter.finish(stale === 0 && breaking === 0 && unwritten === 0 ? ExitCode.ok : ExitCode.finding, `evc check: ${held}${pending}${upcasters}`));
      } catch (error) {
        done(reportFailure(reporter, error, "cannot tell whether the SDK is stale"));
      }
    });
};
