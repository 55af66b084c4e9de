import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkCompatibility, declaredDialect } from "../../compat/check.js";
import { DiagnosticSink, formatDiagnostic, type SourceLocation } from "../../diagnostics.js";
import { SourceFiles } from "../../sources.js";
import { isPlainObject, type JsonSchema } from "@evc/runtime/codegen";
import { ArgumentError } from "@evc/runtime/errors";
import { parseMode, parsePolicy } from "../compat-flags.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { formatOption, Reporter } from "../output.js";
import { breakingLine, reportFailure } from "../report.js";
import { counted } from "../../wording.js";

interface CompatFlags {
  mode: string;
  policy: string;
  format?: string;
  json?: boolean;
}

/**
 * `evc compat <old> <new> [--mode M] [--policy strict|lenient] [--format F]`: exit 0 when the new JSON
 * Schema (a JSON or YAML file) is compatible with the old one, 1 printing every breaking change
 * (located in the new file), 2 when a file cannot be read or a flag is wrong.
 */
export const compatCommand: CommandRegistration = (command, io, done) => {
  formatOption(command)
    .argument("<old>", "the old schema, a JSON or YAML file")
    .argument("<new>", "the new schema, a JSON or YAML file")
    .option("--mode <mode>", "BACKWARD, FORWARD or FULL, each also _TRANSITIVE, or NONE", "BACKWARD")
    .option("--policy <policy>", "strict (an optional property added to an open content model breaks BACKWARD) or lenient", "strict")
    .action((oldPath: string, newPath: string, flags: CompatFlags) => {
      const reporter = Reporter.from(io, "compat", flags);
      try {
        reporter.checkFormat();
        const mode = parseMode(flags.mode);
        const policy = parsePolicy(flags.policy);
        const sources = new SourceFiles(io.cwd);
        const before = readSchema(sources, oldPath, "old");
        const after = readSchema(sources, newPath, "new");
        const report = checkCompatibility([before.schema], after.schema, { mode, policy, dialect: declaredDialect([before.schema, after.schema]) });
        for (const finding of report.findings) {
          const location = after.locate(finding.tokens);
          const { rule, path, breaks, message } = finding;
          reporter.add({ severity: "error", rule, message, location, breaks, path }, breakingLine(location, message, rule, breaks));
        }
        const verdict = `"${after.display}" ${report.compatible ? "is" : "is not"} ${mode} compatible with "${before.display}" under the ${policy} policy`;
        done(reporter.finish(report.compatible ? ExitCode.ok : ExitCode.finding, report.compatible ? verdict : `${verdict}: ${counted(report.findings.length, "breaking change")}`));
      } catch (error) {
        done(reportFailure(reporter, error, "nothing compared"));
      }
    });
};

/** A schema file: its JSON, and where a path inside it is written. */
interface SchemaFile {
  readonly display: string;
  readonly schema: JsonSchema;
  locate(tokens: readonly string[]): SourceLocation;
}

/** Read a schema file as JSON, else as YAML, with positions (JSON is YAML); throws `ArgumentError` saying why it is not a JSON Schema, where. */
function readSchema(sources: SourceFiles, path: string, argument: string): SchemaFile {
  const display = sources.display(resolve(sources.cwd, path));
  let text: string;
  try {
    text = readFileSync(resolve(sources.cwd, path), "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new ArgumentError(argument, `a JSON Schema file, but cannot read "${display}": ${reason}`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch {
    // Not JSON: read it as YAML, which says where it goes wrong.
    const problems = new DiagnosticSink();
    const file = sources.load(path, problems);
    if (file === undefined) throw new ArgumentError(argument, `a JSON Schema file (JSON or YAML), but ${problems.all().map(formatDiagnostic).join("; ")}`);
    schema = file.json;
  }
  if (typeof schema !== "boolean" && !isPlainObject(schema)) {
    throw new ArgumentError(argument, `a JSON Schema file, but "${display}" holds ${Array.isArray(schema) ? "an array" : JSON.stringify(schema)}, not an object or a boolean`);
  }
  // JSON that YAML refuses (a repeated key) still compares; its findings point at the file's start.
  const file = sources.load(path, new DiagnosticSink());
  return {
    display,
    schema,
    locate: (tokens) => (file === undefined ? sources.start({ display }) : sources.locate(file, tokens)),
  };
}
