import type { Command } from "commander";
import type { ContractChange } from "../../compat/contracts.js";
import type { SpecDiagnostic } from "../../diagnostics.js";
import { WorkerSdkEmitter } from "../../emit/worker-emitter.js";
import type { StaleFile } from "../../output.js";
import { openRun, recordRun, snapshotInputs, type CacheFlags } from "../cached-runs.js";
import { ExitCode, type CommandRegistration, type ExitCodeValue } from "../io.js";
import { formatOption, Reporter } from "../output.js";
import { printChanges, printWarnings, reportFailure } from "../report.js";
import { generateOptions, readSettings, specOptions } from "../settings.js";
import { generateOutcome, reportGenerated, runLockCheck, type GenerateOutcome } from "../generate-report.js";
import { counted, releasedChangeHint } from "../../wording.js";
import { displayPath } from "../../paths.js";

interface OutputFlags extends CacheFlags {
  format?: string;
  json?: boolean;
  watch?: boolean;
}

function outputOptions(command: Command): Command {
  return formatOption(
    specOptions(command)
      .option("--out <dir>", "the output folder, which evc owns (default: the configuration's, else generated)")
      .option("--upcasters <dir>", "the folder of hand-written upcasters (default: the configuration's, else upcasters)")
      .option("--runtime-import <specifier>", "how generated code imports the runtime helpers")
      .option("--no-cache", "run in full even when no input changed since the last run (the cache is in node_modules/.cache/evc, or EVC_CACHE_DIR)"),
  );
}

/** What `evc check` reports when the SDK is in sync, kept in the run cache to report again. */
interface CheckOutcome {
  readonly warnings: readonly SpecDiagnostic[];
  readonly upcasterProblems: readonly SpecDiagnostic[];
  readonly gate: { readonly locked: boolean; readonly changes: readonly ContractChange[] };
  /** The output folder, the specs and the lock as the summary shows them. */
  readonly shown: { readonly out: string; readonly specs: string; readonly lock: string };
}

/**
 * `evc generate`: write the SDK from the specs, atomically; exit 1 on spec errors, leaving the output
 * as it was. When no input changed since the last run and the output is as that run left it, the
 * run is served from the cache. With `--watch`, keep regenerating on every save.
 */
export const generateCommand: CommandRegistration = (command, io, done) => {
  outputOptions(command)
    .option("--watch", "keep running: regenerate whenever a spec, a file it references, an upcaster or the configuration is saved")
    .action(async (flags: OutputFlags) => {
      if (flags.watch === true) {
        done(await (await import("../watch.js")).watchGenerate(flags, io));
        return;
      }
      const started = performance.now();
      const reporter = Reporter.from(io, "generate", flags);
      let out = flags.out ?? "the output folder";
      try {
        reporter.checkFormat();
        const run = openRun("generate", flags, io);
        const cached = run?.cache.fresh<GenerateOutcome>(run.key);
        if (cached !== undefined) {
          done(reportGenerated(reporter, cached, [], performance.now() - started));
          return;
        }
        const settings = await readSettings(flags, io);
        using emitter = startEmitter(settings.upcasters);
        out = displayPath(io.cwd, settings.output.dir);
        const before = snapshotInputs(settings, flags, io, [settings.compatibility.lock]);
        const [{ generate }, lock] = await Promise.all([import("../../generate.js"), runLockCheck(settings, io)]);
        const result = await generate({ ...generateOptions(settings, flags, io), ...(emitter === undefined ? {} : { emitter }), whileEmitting: lock.whileEmitting });
        const outcome = generateOutcome(result, lock.gate(result));
        recordRun(run, before, result, outcome);
        done(reportGenerated(reporter, outcome, result.files, performance.now() - started));
      } catch (error) {
        done(reportFailure(reporter, error, `${out} left unchanged`));
      }
    });
};

/**
 * `evc check`: exit 1 naming every stale file when the SDK does not match the specs, and every
 * change of a released contract that the lock forbids (accepted breaks pass, reported as such).
 * An SDK found in sync is remembered in the run cache with what the gate said, for as long as no
 * input (the lock included) and no generated file changes.
 */
export const checkCommand: CommandRegistration = (command, io, done) => {
  outputOptions(command)
    .option("--policy <policy>", "strict or lenient, for the schema rules (default: the configuration's, else strict)")
    .action(async (flags: OutputFlags) => {
      const reporter = Reporter.from(io, "check", flags);
      try {
        reporter.checkFormat();
        const run = openRun("check", flags, io);
        const cached = run?.cache.fresh<CheckOutcome>(run.key);
        if (cached !== undefined) {
          done(reportChecked(reporter, cached, []));
          return;
        }
        const settings = await readSettings(flags, io);
        using emitter = startEmitter(settings.upcasters);
        const { compatibility } = settings;
        const before = snapshotInputs(settings, flags, io, [compatibility.lock]);
        const [{ check }, lock] = await Promise.all([import("../../generate.js"), runLockCheck(settings, io)]);
        const result = await check({ ...generateOptions(settings, flags, io), ...(emitter === undefined ? {} : { emitter }), whileEmitting: lock.whileEmitting });
        const gate = lock.gate(result);
        const shown = { out: displayPath(io.cwd, settings.output.dir), specs: displayPath(io.cwd, settings.specs), lock: displayPath(io.cwd, compatibility.lock) };
        const outcome: CheckOutcome = { warnings: result.warnings, upcasterProblems: result.upcasterProblems, gate, shown };
        if (result.files.length === 0) recordRun(run, before, result, outcome);
        done(reportChecked(reporter, outcome, result.files));
      } catch (error) {
        done(reportFailure(reporter, error, "cannot tell whether the SDK is stale"));
      }
    });
};

/**
 * The emitter of a run that is not served from the cache, its worker started before the specs are
 * read so that Modelina, ts-morph and the loader of the hand-written upcasters (in `upcasters`) load
 * while the specs are parsed, on the other core. Only in the build:
 * from the sources (tests under the `@evc/source` condition, tsx) a worker thread could not load the
 * TypeScript modules, and the files are emitted in this thread (`generate`'s default).
 */
function startEmitter(upcasters: string): WorkerSdkEmitter | undefined {
  return import.meta.url.endsWith(".js") ? new WorkerSdkEmitter({ upcasters }) : undefined;
}

function reportChecked(reporter: Reporter, outcome: CheckOutcome, stale: readonly StaleFile[]): ExitCodeValue {
  const { gate, shown } = outcome;
  printWarnings(reporter, outcome.warnings);
  printWarnings(reporter, outcome.upcasterProblems, true);
  for (const file of stale) {
    const why = file.reason === "foreign" ? "not generated by evc, in the folder evc owns: move it out" : file.reason;
    reporter.add({ severity: "error", rule: "STALE_FILE", message: `${file.path} is stale (${why})`, location: { file: file.path, line: 1, column: 1 } }, `stale: ${file.path} (${why})\n`, "stderr");
  }
  const unreleased = gate.changes.filter((change) => change.rule === "EVENT_ADDED" || change.rule === "VERSION_ADDED").length;
  printChanges(reporter, gate.changes.filter((change) => change.rule !== "EVENT_ADDED" && change.rule !== "VERSION_ADDED"));
  const breaking = gate.changes.filter((change) => change.severity === "breaking").length;
  const accepted = gate.changes.filter((change) => change.severity === "accepted").length;
  const foreign = stale.filter((file) => file.reason === "foreign").length;
  const sdk =
    stale.length === 0
      ? `${shown.out} is in sync with ${shown.specs}`
      : `${counted(stale.length, "generated file")} ${stale.length === 1 ? "is" : "are"} stale; ${foreign > 0 ? `move the ${counted(foreign, "file")} evc did not generate out of ${shown.out}, then ` : ""}run \`evc generate\``;
  const held = !gate.locked
    ? `${shown.lock} does not exist: no contract is released yet; run \`evc release\``
    : breaking > 0
      ? `${counted(breaking, "breaking change")} of released contracts (${shown.lock}); ${releasedChangeHint}`
      : `released contracts hold (${shown.lock}${accepted > 0 ? `; ${counted(accepted, "accepted break")}` : ""})`;
  const pending = gate.locked && unreleased > 0 ? `; ${counted(unreleased, "event version")} not released yet: \`evc release\` locks them` : "";
  if (stale.length > 0) reporter.text(`evc: ${sdk}\n`, "stderr");
  else reporter.text(`${sdk}\n`);
  const unwritten = outcome.upcasterProblems.length;
  const upcasters = unwritten === 0 ? "" : `; ${counted(unwritten, "hand-written upcaster")} to fix`;
  return reporter.finish(stale.length === 0 && breaking === 0 && unwritten === 0 ? ExitCode.ok : ExitCode.finding, `evc check: ${held}${pending}${upcasters}`);
}
