/**
 * `--format text|json|github-actions|junit` (buf's `--error-format`) for the commands that report
 * findings: `generate`, `check`, `release`, `diff` and `compat`. Every command hands its findings to
 * a `Reporter`; `text` prints each as it comes (compiler style), the others print one document at
 * the end: one JSON shape for every command, GitHub Actions workflow commands, or a JUnit report.
 */
import type { Command } from "commander";
import type { SourceLocation } from "../diagnostics.js";
import { ArgumentError } from "@evc/runtime/errors";
import { ExitCode, type CliIO, type ExitCodeValue } from "./io.js";

/** The output formats. */
export const outputFormats = ["text", "json", "github-actions", "junit"] as const;

/** An output format. */
export type OutputFormat = (typeof outputFormats)[number];

/** One thing a command found: a spec problem, a stale file, a breaking (or accepted) change, a note. */
export interface Finding {
  readonly severity: "error" | "warning" | "accepted" | "note";
  /** A stable id: a rule of the checker (`MIN_LENGTH_INCREASED`), a diagnostic code (`evc-missing-example`), `STALE_FILE`, `CANNOT_RUN`. */
  readonly rule: string;
  readonly message: string;
  readonly location?: SourceLocation;
  /** The event type and version, for contract changes. */
  readonly type?: string;
  readonly version?: number;
  /** The readers a breaking change breaks. */
  readonly breaks?: readonly string[];
  /** The JSON pointer into the payload schema, for schema rules. */
  readonly path?: string;
  /** Why an accepted break is accepted. */
  readonly reason?: string;
}

/** The JSON document every command prints with `--format json`. */
export interface CommandReport {
  readonly command: string;
  readonly ok: boolean;
  readonly exitCode: ExitCodeValue;
  readonly summary: string;
  readonly findings: readonly Finding[];
  /** What a listing command (`list`, `dlq list`) found, in its JSON report. */
  readonly items?: readonly unknown[];
}

/** The JSON report of a listing command: the shape every command's `--json` prints, with the listed `items`. */
export function listingJson(command: string, summary: string, items: readonly unknown[]): string {
  const report: CommandReport = { command, ok: true, exitCode: ExitCode.ok, summary, findings: [], items };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Add `--format` (and `--json`, its short form for json) to a command. */
export function formatOption(command: Command): Command {
  return command.option("--format <format>", `how to print findings: ${outputFormats.join(", ")}`, "text").option("--json", "the same as --format json");
}

/** Read `--format` (and `--json`); throws `ArgumentError` naming the formats. */
export function parseFormat(flags: { format?: string; json?: boolean }): OutputFormat {
  if (flags.json === true) return "json";
  const format = outputFormats.find((candidate) => candidate === (flags.format ?? "text"));
  if (format === undefined) throw new ArgumentError("format", `one of ${outputFormats.join(", ")}, but "${flags.format}" is none`);
  return format;
}

/** Collects a command's findings and prints them in the chosen format. */
export class Reporter {
  readonly #io: CliIO;
  readonly #command: string;
  readonly #format: OutputFormat;
  readonly #findings: Finding[] = [];
  readonly #formatError: ArgumentError | undefined;

  constructor(io: CliIO, command: string, format: OutputFormat, formatError?: ArgumentError) {
    this.#io = io;
    this.#command = command;
    this.#format = format;
    this.#formatError = formatError;
  }

  /** A reporter in the format the flags ask for; an unknown one reports in text, and `checkFormat()` throws. */
  static from(io: CliIO, command: string, flags: { format?: string; json?: boolean }): Reporter {
    try {
      return new Reporter(io, command, parseFormat(flags));
    } catch (error) {
      return new Reporter(io, command, "text", error as ArgumentError);
    }
  }

  /** Throw the `ArgumentError` of an unknown `--format`, inside the command's error handling. */
  checkFormat(): void {
    if (this.#formatError !== undefined) throw this.#formatError;
  }

  /** True when findings print as they come (`text`). */
  get streaming(): boolean {
    return this.#format === "text";
  }

  /** Record a finding; in text, print `line` (with its newline) to standard output or error. */
  add(finding: Finding, line: string, stream: "stdout" | "stderr" = "stdout"): void {
    this.#findings.push(finding);
    if (this.streaming) this.#io[stream](line);
  }

  /** Print text only in the text format (progress, a summary that is not the last word). */
  text(line: string, stream: "stdout" | "stderr" = "stdout"): void {
    if (this.streaming) this.#io[stream](line);
  }

  /** End the command: print the summary (in text, to `stream`) and, in the other formats, the whole report; returns the exit code. */
  finish(exitCode: ExitCodeValue, summary: string, stream: "stdout" | "stderr" = "stdout"): ExitCodeValue {
    const report: CommandReport = { command: this.#command, ok: exitCode === 0, exitCode, summary, findings: this.#findings };
    if (this.#format === "text") this.#io[stream](`${summary}\n`);
    else if (this.#format === "json") this.#io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else if (this.#format === "github-actions") this.#io.stdout(githubActions(report));
    else this.#io.stdout(junit(report));
    return exitCode;
  }
}

const annotationOf: Record<Finding["severity"], string> = { error: "error", warning: "warning", accepted: "notice", note: "notice" };

/** GitHub Actions workflow commands: one annotation per finding, at its file and line, then the summary. */
function githubActions(report: CommandReport): string {
  const lines = report.findings.map((finding) => {
    const at = finding.location;
    const properties = [at === undefined ? undefined : `file=${property(at.file)},line=${at.line},col=${at.column}`, `title=${property(`evc ${report.command}: ${finding.rule}`)}`]
      .filter((part) => part !== undefined)
      .join(",");
    return `::${annotationOf[finding.severity]} ${properties}::${data(messageOf(finding))}\n`;
  });
  const summary = report.summary.startsWith("evc") ? report.summary : `evc ${report.command}: ${report.summary}`;
  return `${lines.join("")}${summary}\n`;
}

/** A JUnit XML report: one test case per finding (errors fail), or one passing case when there is none. */
function junit(report: CommandReport): string {
  const suite = `evc ${report.command}`;
  const failures = report.findings.filter((finding) => finding.severity === "error").length;
  const cases =
    report.findings.length === 0
      ? [`    <testcase classname="${xml(suite)}" name="${xml(report.summary)}"/>\n`]
      : report.findings.map((finding) => {
          const at = finding.location === undefined ? "" : ` ${finding.location.file}:${finding.location.line}:${finding.location.column}`;
          const open = `    <testcase classname="${xml(finding.location?.file ?? suite)}" name="${xml(`${finding.rule}${at}`)}"`;
          if (finding.severity === "error") return `${open}>\n      <failure message="${xml(messageOf(finding))}" type="${xml(finding.rule)}"/>\n    </testcase>\n`;
          return `${open}>\n      <system-out>${xml(`${finding.severity}: ${messageOf(finding)}`)}</system-out>\n    </testcase>\n`;
        });
  const count = Math.max(1, report.findings.length);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<testsuites name="${xml(suite)}" tests="${count}" failures="${failures}">\n`,
    `  <testsuite name="${xml(suite)}" tests="${count}" failures="${failures}">\n`,
    ...cases,
    "  </testsuite>\n",
    "</testsuites>\n",
  ].join("");
}

function messageOf(finding: Finding): string {
  const subject = finding.type === undefined ? finding.message : `${finding.type} v${finding.version}: ${finding.message}`;
  const breaks = finding.breaks === undefined || finding.breaks.length === 0 ? "" : ` (breaks ${finding.breaks.join(", ")})`;
  const reason = finding.reason === undefined ? "" : ` (accepted: ${finding.reason})`;
  return `${subject}${breaks}${reason}`;
}

/** Escape the message of a workflow command. */
function data(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Escape a property of a workflow command. */
function property(text: string): string {
  return data(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

function xml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
