/** How commands report spec problems, contract changes and failures, through a `Reporter` (`--format`). */
import type { ContractChange } from "../compat/contracts.js";
import type { AcceptedBreak } from "../config.js";
import { ConfigError } from "../config-file.js";
import { formatDiagnostic, SpecError, type SourceLocation, type SpecDiagnostic } from "../diagnostics.js";
import { isContractError } from "@evc/runtime/errors";
import { ExitCode, type ExitCodeValue } from "./io.js";
import type { Finding, Reporter } from "./output.js";
import { counted } from "../wording.js";

/** Report spec diagnostics (to standard error in text): warnings only unless `all`. */
export function printWarnings(reporter: Reporter, warnings: readonly SpecDiagnostic[], all = false): void {
  for (const diagnostic of warnings) {
    if (!all && diagnostic.severity !== "warning") continue;
    reporter.add({ severity: diagnostic.severity, rule: diagnostic.code, message: diagnostic.message, location: diagnostic.location }, `${formatDiagnostic(diagnostic)}\n`, "stderr");
  }
}

/**
 * Report what a command threw and end it: spec problems (every diagnostic) exit `specErrors` (1
 * for the commands whose job is checking specs, 2 for those that cannot run without them), a bad
 * configuration or call exits 2. Errors that are not ours are rethrown.
 */
export function reportFailure(reporter: Reporter, error: unknown, consequence: string, specErrors: ExitCodeValue = ExitCode.finding): ExitCodeValue {
  if (error instanceof SpecError || error instanceof ConfigError) {
    printWarnings(reporter, error.diagnostics, true);
    const count = error.diagnostics.filter((d) => d.severity === "error").length;
    const what = error instanceof SpecError ? "in the specs" : error.message.startsWith("invalid lock") ? "in the lock" : "in the configuration";
    return reporter.finish(error instanceof SpecError ? specErrors : ExitCode.failure, `evc: ${counted(count, "error")} ${what}; ${consequence}`, "stderr");
  }
  if (isContractError(error)) {
    reporter.add({ severity: "error", rule: "CANNOT_RUN", message: error.message }, "");
    return reporter.finish(ExitCode.failure, `evc: ${error.message}`, "stderr");
  }
  throw error;
}

/** Report contract changes as a compiler prints problems: breaking ones, accepted ones with their reason, notes. */
export function printChanges(reporter: Reporter, changes: readonly ContractChange[]): void {
  for (const change of changes) {
    const subject = `${change.type} v${change.version}: ${change.message}`;
    const { file, line, column } = change.location;
    const finding: Finding = {
      severity: change.severity === "breaking" ? "error" : change.severity,
      rule: change.rule,
      message: change.message,
      location: change.location,
      type: change.type,
      version: change.version,
      breaks: change.breaks,
      ...(change.path === undefined ? {} : { path: change.path }),
      ...(change.reason === undefined ? {} : { reason: change.reason }),
    };
    if (change.severity === "breaking") reporter.add(finding, breakingLine(change.location, subject, change.rule, change.breaks));
    else if (change.severity === "accepted") reporter.add(finding, `${file}:${line}:${column}: accepted: ${subject} (${change.rule}, accepted: ${change.reason ?? ""})\n`);
    else reporter.add(finding, `${file}:${line}:${column}: note: ${subject} (${change.rule})\n`);
  }
}

/** Warn about accepted breaks that matched no change since the baseline revision: their change is there, so they can go. */
export function printUnusedAccepts(reporter: Reporter, unused: readonly AcceptedBreak[], since: string): void {
  for (const entry of unused) {
    const { file, line, column } = entry.location;
    const message = `accepted break ${entry.rule} of ${entry.contract} matches no change since ${since}; remove it`;
    reporter.add({ severity: "warning", rule: "ACCEPTED_BREAK_UNUSED", message, location: entry.location }, `${file}:${line}:${column}: warning: ${message}\n`, "stderr");
  }
}

/** A breaking change as a compiler prints a problem: `file:line:col: message (RULE, breaks BACKWARD, FORWARD)`. */
export function breakingLine(location: SourceLocation, message: string, rule: string, breaks: readonly string[]): string {
  return `${location.file}:${location.line}:${location.column}: ${message} (${rule}, breaks ${breaks.join(", ")})\n`;
}
