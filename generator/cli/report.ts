import type { ContractChange } from "../compat/contracts.js";
import type { AcceptedBreak } from "../config.js";
import { formatDiagnostic, SpecError, type SourceLocation, type SpecDiagnostic } from "../diagnostics.js";
import { isContractError } from "../../runtime/errors.js";
import { ExitCode, type CliIO, type ExitCodeValue } from "./io.js";

/** Print spec warnings to standard error. */
export function printWarnings(io: CliIO, warnings: readonly SpecDiagnostic[]): void {
  for (const warning of warnings) if (warning.severity === "warning") io.stderr(`${formatDiagnostic(warning)}\n`);
}

/**
 * Report what a command threw and choose its exit code: spec problems (every diagnostic) exit 1, a
 * bad call or anything else exits 2. Errors that are not ours are rethrown.
 */
export function reportFailure(io: CliIO, error: unknown, consequence: string): ExitCodeValue {
  if (error instanceof SpecError) {
    for (const diagnostic of error.diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
    const count = error.diagnostics.filter((d) => d.severity === "error").length;
    io.stderr(`evc: ${count} error${count === 1 ? "" : "s"} in the specs; ${consequence}\n`);
    return ExitCode.finding;
  }
  if (isContractError(error)) {
    io.stderr(`evc: ${error.message}\n`);
    return ExitCode.failure;
  }
  throw error;
}

/** Print contract changes as a compiler prints problems: breaking ones, accepted ones with their reason, notes. */
export function printChanges(io: CliIO, changes: readonly ContractChange[]): void {
  for (const change of changes) {
    const subject = `${change.type} v${change.version}: ${change.message}`;
    const { file, line, column } = change.location;
    if (change.severity === "breaking") io.stdout(breakingLine(change.location, subject, change.rule, change.breaks));
    else if (change.severity === "accepted") io.stdout(`${file}:${line}:${column}: accepted: ${subject} (${change.rule}, accepted: ${change.reason ?? ""})\n`);
    else io.stdout(`${file}:${line}:${column}: note: ${subject} (${change.rule})\n`);
  }
}

/** Warn about accepted breaks that matched no change. */
export function printUnusedAccepts(io: CliIO, unused: readonly AcceptedBreak[]): void {
  for (const entry of unused) {
    const { file, line, column } = entry.location;
    io.stderr(`${file}:${line}:${column}: warning: accepted break ${entry.rule} of ${entry.contract} matches no change; remove it\n`);
  }
}

/** A breaking change as a compiler prints a problem: `file:line:col: message (RULE, breaks BACKWARD, FORWARD)`. */
export function breakingLine(location: SourceLocation, message: string, rule: string, breaks: readonly string[]): string {
  return `${location.file}:${location.line}:${location.column}: ${message} (${rule}, breaks ${breaks.join(", ")})\n`;
}
