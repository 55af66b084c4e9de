/** What `evc generate` says of a run, whether it ran in full, came from the run cache or from watch mode. */
import type { SpecDiagnostic } from "../diagnostics.js";
import type { StaleFile } from "../output.js";
import { ExitCode, type ExitCodeValue } from "./io.js";
import type { Reporter } from "./output.js";
import { printWarnings } from "./report.js";
import { counted } from "../wording.js";

/** What `evc generate` reports, kept in the run cache to report again. */
export interface GenerateOutcome {
  readonly events: number;
  readonly systems: number;
  readonly warnings: readonly SpecDiagnostic[];
  readonly upcasterProblems: readonly SpecDiagnostic[];
}

/** Report a generation run: warnings, the files written, the upcasters to fix and the summary. */
export function reportGenerated(reporter: Reporter, outcome: GenerateOutcome, files: readonly StaleFile[], took: number): ExitCodeValue {
  printWarnings(reporter, outcome.warnings);
  for (const file of files) reporter.text(`${file.reason === "extra" ? "removed" : "wrote"} ${file.path}\n`);
  printWarnings(reporter, outcome.upcasterProblems, true);
  const unwritten = outcome.upcasterProblems.length;
  const upcasters = unwritten === 0 ? "" : `; ${counted(unwritten, "hand-written upcaster")} to fix: events would be dead-lettered or the SDK would not compile`;
  const changed = files.length === 0 ? "nothing changed" : `${counted(files.length, "file")} updated`;
  return reporter.finish(unwritten === 0 ? ExitCode.ok : ExitCode.finding, `${counted(outcome.events, "event version")} of ${counted(outcome.systems, "system")}: ${changed} (${Math.round(took)} ms)${upcasters}`);
}
