import type { Command } from "commander";
import { checkLock } from "../../compat/lock.js";
import { check, generate } from "../../generate.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { printChanges, printUnusedAccepts, printWarnings, reportFailure } from "../report.js";
import { generateOptions, readSettings, shownPath, specOptions, type SettingsFlags } from "../settings.js";

function outputOptions(command: Command): Command {
  return specOptions(command)
    .option("--out <dir>", "the output folder, which evc owns (default: the configuration's, else generated)")
    .option("--upcasters <dir>", "the folder of hand-written upcasters (default: the configuration's, else upcasters)")
    .option("--runtime-import <specifier>", "how generated code imports the runtime helpers");
}

/** `evc generate`: write the SDK from the specs, atomically; exit 1 on spec errors, leaving the output as it was. */
export const generateCommand: CommandRegistration = (program, io, done) => {
  outputOptions(program.command("generate").description("generate the SDK from the AsyncAPI specs")).action(async (flags: SettingsFlags) => {
    const started = performance.now();
    let out = flags.out ?? "the output folder";
    try {
      const settings = readSettings(flags, io);
      out = shownPath(io, settings.output.dir);
      const result = await generate(generateOptions(settings, flags, io));
      printWarnings(io, result.warnings);
      const { events, systems } = result.model;
      const took = Math.round(performance.now() - started);
      for (const file of result.files) io.stdout(`${file.reason === "extra" ? "removed" : "wrote"} ${file.path}\n`);
      io.stdout(`${events.length} event versions of ${systems.length} systems: ${result.files.length === 0 ? "nothing changed" : `${result.files.length} files updated`} (${took} ms)\n`);
      done(ExitCode.ok);
    } catch (error) {
      done(reportFailure(io, error, `${out} left unchanged`));
    }
  });
};

/**
 * `evc check`: exit 1 naming every stale file when the SDK does not match the specs, and every
 * change of a released contract that the lock forbids (accepted breaks pass, reported as such).
 */
export const checkCommand: CommandRegistration = (program, io, done) => {
  outputOptions(program.command("check").description("fail when the SDK is stale or a released contract breaks its lock"))
    .option("--policy <policy>", "strict or lenient, for the schema rules (default: the configuration's, else strict)")
    .action(async (flags: SettingsFlags) => {
      try {
        const settings = readSettings(flags, io);
        const result = await check(generateOptions(settings, flags, io));
        printWarnings(io, result.warnings);
        const specs = shownPath(io, settings.specs);
        const out = shownPath(io, settings.output.dir);
        for (const file of result.files) io.stderr(`stale: ${file.path} (${file.reason})\n`);
        const { compatibility } = settings;
        const gate = checkLock(result, { lock: compatibility.lock, cwd: io.cwd, policy: compatibility.policy, accept: compatibility.accept });
        const unreleased = gate.changes.filter((change) => change.rule === "EVENT_ADDED" || change.rule === "VERSION_ADDED").length;
        printChanges(io, gate.changes.filter((change) => change.rule !== "EVENT_ADDED" && change.rule !== "VERSION_ADDED"));
        printUnusedAccepts(io, gate.unused);
        const breaking = gate.changes.filter((change) => change.severity === "breaking").length;
        const accepted = gate.changes.filter((change) => change.severity === "accepted").length;
        const lock = shownPath(io, compatibility.lock);
        if (result.files.length > 0) io.stderr(`evc: ${result.files.length} generated files are stale; run \`evc generate\`\n`);
        else io.stdout(`${out} is in sync with ${specs}\n`);
        if (!gate.locked) io.stdout(`${lock} does not exist: no contract is released yet; run \`evc release\`\n`);
        else if (breaking > 0) io.stdout(`evc check: ${breaking} breaking change${breaking === 1 ? "" : "s"} of released contracts (${lock})\n`);
        else io.stdout(`released contracts hold (${lock}${accepted > 0 ? `; ${accepted} accepted break${accepted === 1 ? "" : "s"}` : ""})\n`);
        if (gate.locked && unreleased > 0) io.stdout(`${unreleased} event version${unreleased === 1 ? "" : "s"} not released yet: \`evc release\` locks them\n`);
        done(result.files.length === 0 && breaking === 0 ? ExitCode.ok : ExitCode.finding);
      } catch (error) {
        done(reportFailure(io, error, "cannot tell whether the SDK is stale"));
      }
    });
};
