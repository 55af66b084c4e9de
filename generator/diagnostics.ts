import { ContractError } from "@evc/runtime/errors";
import { counted } from "./wording.js";

/** A position in a spec file; line and column start at 1. */
export interface SourceLocation {
  /** The file, relative to the working directory when it lies below it. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem found in the specs, with where it is and how bad. */
export interface SpecDiagnostic {
  readonly severity: "error" | "warning";
  /** A stable code: the parser's rule (`asyncapi-document-resolved`) or ours (`evc-missing-example`). */
  readonly code: string;
  readonly message: string;
  readonly location: SourceLocation;
}

/** Thrown by the generator when the specs have errors; it carries every diagnostic found, not only the first. */
export class SpecError extends ContractError {
  readonly diagnostics: readonly SpecDiagnostic[];

  constructor(diagnostics: readonly SpecDiagnostic[]) {
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error");
    super(`${counted(errors.length, "error")} in the specs:\n${errors.map(formatDiagnostic).join("\n")}`);
    this.name = "SpecError";
    this.diagnostics = diagnostics;
  }
}

/** Render a location like a compiler: `file:line:col`. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** Render a diagnostic like a compiler: `file:line:col: error: message (code)`. */
export function formatDiagnostic(diagnostic: SpecDiagnostic): string {
  return `${formatLocation(diagnostic.location)}: ${diagnostic.severity}: ${diagnostic.message} (${diagnostic.code})`;
}

/** Order diagnostics by file, line and column, so that output is stable. */
export function sortDiagnostics(diagnostics: readonly SpecDiagnostic[]): SpecDiagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      a.message.localeCompare(b.message),
  );
}

/** Collects diagnostics while a pass runs over the specs. */
export class DiagnosticSink {
  readonly #all: SpecDiagnostic[] = [];

  /** Record an error at a location. */
  error(code: string, message: string, location: SourceLocation): void {
    this.#all.push({ severity: "error", code, message, location });
  }

  /** Record a warning at a location. */
  warning(code: string, message: string, location: SourceLocation): void {
    this.#all.push({ severity: "warning", code, message, location });
  }

  /** Record diagnostics found elsewhere. */
  add(diagnostics: readonly SpecDiagnostic[]): void {
    this.#all.push(...diagnostics);
  }

  /** True when any error was recorded. */
  hasErrors(): boolean {
    return this.#all.some((diagnostic) => diagnostic.severity === "error");
  }

  /** Every diagnostic recorded, de-duplicated and sorted. */
  all(): SpecDiagnostic[] {
    const seen = new Set<string>();
    return sortDiagnostics(this.#all).filter((diagnostic) => {
      const key = formatDiagnostic(diagnostic);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
