/** What `evc generate` says of a run, whether it ran in full, came from the run cache or from watch mode. */
import type { ContractChange, ContractSide } from "../compat/contracts.js";
import type { LockCheck } from "../compat/lock.js";
import type { EvcConfig } from "../config.js";
import type { SpecDiagnostic } from "../diagnostics.js";
import type { GenerateResult } from "../generate.js";
import type { StaleFile } from "../output.js";
import { ExitCode, type CliIO, type ExitCodeValue } from "./io.js";
import type { Reporter } from "./output.js";
import { breakingLine, printWarnings } from "./report.js";
import { lockCheckOptions } from "./settings.js";
import { counted, releasedChangeHint } from "../wording.js";

/** What `evc generate` reports, kept in the run cache to report again. */
export interface GenerateOutcome {
  readonly events: number;
  readonly systems: number;
  readonly warnings: readonly SpecDiagnostic[];
  readonly upcasterProblems: readonly SpecDiagnostic[];
  /** Changes of released contracts that the lock forbids: the SDK is written, but `evc check` refuses them. */
  readonly releasedBreaks?: readonly ContractChange[];
}

/** The check of the lock of released contracts in a run of `generate` or `check`: made while the emitter works, read once the run is done. */
export interface RunLockCheck {
  /** Pass as `generate`'s `whileEmitting`: checks the lock against the contracts read. */
  readonly whileEmitting: (contracts: ContractSide) => void;
  /** What the check found, for the run's result (checked now when the run did not check it). */
  readonly gate: (result: ContractSide) => LockCheck;
}

/** A check of the lock of released contracts, in these settings, for a run to make while its emitter works (on the main thread, which waits for the worker then). */
export async function runLockCheck(settings: EvcConfig, io: CliIO): Promise<RunLockCheck> {
  const { checkLock } = await import("../compat/lock.js");
  const options = lockCheckOptions(settings, io);
  let checked: LockCheck | undefined;
  return {
    whileEmitting: (contracts) => {
      checked = checkLock(contracts, options);
    },
    gate: (result) => checked ?? checkLock(result, options),
  };
}

/** What a generation run reports; its changes of released contracts are those `evc check` would refuse (the lock is one of the run's inputs). */
export function generateOutcome(result: GenerateResult, gate: LockCheck): GenerateOutcome {
  return {
    events: result.model.events.length,
    systems: result.model.systems.length,
    warnings: result.warnings,
    upcasterProblems: result.upcasterProblems,
    releasedBreaks: gate.changes.filter((change) => change.severity === "breaking"),
  };
}

/** Report a generation run: warnings, the files written, the upcasters to fix, the changes of released contracts and the summary. */
export function reportGenerated(reporter: Reporter, outcome: GenerateOutcome, files: readonly StaleFile[], took: number): ExitCodeValue {
  printWarnings(reporter, outcome.warnings);
  for (const file of files) reporter.text(`${file.reason === "extra" ? "removed" : "wrote"} ${file.path}\n`);
  printWarnings(reporter, outcome.upcasterProblems, true);
  const releasedBreaks = outcome.releasedBreaks ?? [];
  for (const change of releasedBreaks) {
    const message = `${change.type} v${change.version}: ${change.message}, a change of a released contract`;
    reporter.add({ severity: "warning", rule: change.rule, message, location: change.location, type: change.type, version: change.version, breaks: change.breaks }, breakingLine(change.location, `warning: ${message}`, change.rule, change.breaks), "stderr");
  }
  const unwritten = outcome.upcasterProblems.length;
  const upcasters = unwritten === 0 ? "" : `; ${counted(unwritten, "hand-written upcaster")} to fix: events would be dead-lettered or the SDK would not compile`;
  const released = releasedBreaks.length === 0 ? "" : `; ${counted(releasedBreaks.length, "breaking change")} of released contracts, which \`evc check\` refuses: ${releasedChangeHint}`;
  const changed = files.length === 0 ? "nothing changed" : `${counted(files.length, "file")} updated`;
  return reporter.finish(unwritten === 0 ? ExitCode.ok : ExitCode.finding, `${counted(outcome.events, "event version")} of ${counted(outcome.systems, "system")}: ${changed} (${Math.round(took)} ms)${upcasters}${released}`);
}
