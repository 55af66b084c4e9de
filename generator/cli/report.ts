import { formatDiagnostic, SpecError, type SourceLocation, type SpecDiagnostic } from "../diagnostics.js";
import { isContractError } from "@evc/runtime";
import { ExitCode, type CliIO, type ExitCodeValue } from "./io.js";

/** Print spec warnings to standard error. */
export function printWarnings(io: CliIO, warnings: readonly SpecDiagnostic[]): void {
  for (const warning of warnings) if (warning.severity === "warning") io.stderr(`${formatDiagnostic(warning)}\n`);
}

/** Print the hand-written upcasters that would fail, like compiler errors; exit 1 when there are any. */
export function reportUpcasterProblems(io: CliIO, problems: readonly SpecDiagnostic[]): ExitCodeValue {
  for (const problem of problems) io.stderr(`${formatDiagnostic(problem)}\n`);
  if (problems.length === 0) return ExitCode.ok;
  io.stderr(`evc: ${problems.length} hand-written upcaster${problems.length === 1 ? "" : "s"} to fix: events would be dead-lettered or the SDK would not compile\n`);
  return ExitCode.finding;
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

/** A breaking change as a compiler prints a problem: `file:line:col: message (RULE, breaks BACKWARD, FORWARD)`. */
export function breakingLine(location: SourceLocation, message: string, rule: string, breaks: readonly string[]): string {
  return `${location.file}:${location.line}:${location.column}: ${message} (${rule}, breaks ${breaks.join(", ")})\n`;
}
