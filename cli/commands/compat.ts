import { checkCompatibility } from "../../compat/index.js";
import { DiagnosticSink } from "../../generator/diagnostics.js";
import { SourceFiles, type SourceFile } from "../../generator/sources.js";
import type { JsonSchema } from "../../runtime/codegen.js";
import { ArgumentError } from "../../runtime/errors.js";
import { isPlainObject } from "../../runtime/json.js";
import { parseMode, parsePolicy } from "../compat-flags.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { breakingLine, reportFailure } from "../report.js";

interface CompatFlags {
  mode: string;
  policy: string;
  json?: boolean;
}

/**
 * `evc compat <old> <new> [--mode M] [--policy strict|lenient] [--json]`: exit 0 when the new JSON
 * Schema is compatible with the old one, 1 printing every breaking change (located in the new
 * file), 2 when a file cannot be read or a flag is wrong.
 */
export const compatCommand: CommandRegistration = (program, io, done) => {
  program
    .command("compat")
    .description("tell whether a new JSON Schema is compatible with an old one, under Confluent Schema Registry's modes")
    .argument("<old>", "the old schema, a JSON file")
    .argument("<new>", "the new schema, a JSON file")
    .option("--mode <mode>", "BACKWARD, FORWARD or FULL, each also _TRANSITIVE, or NONE", "BACKWARD")
    .option("--policy <policy>", "strict (an optional property added to an open content model breaks BACKWARD) or lenient", "strict")
    .option("--json", "print JSON")
    .action((oldPath: string, newPath: string, flags: CompatFlags) => {
      try {
        const mode = parseMode(flags.mode);
        const policy = parsePolicy(flags.policy);
        const sources = new SourceFiles(io.cwd);
        const before = readSchema(sources, oldPath, "old");
        const after = readSchema(sources, newPath, "new");
        const report = checkCompatibility([before.schema], after.schema, { mode, policy });
        const findings = report.findings.map((finding) => ({ ...finding, location: sources.locate(after.file, finding.tokens) }));
        if (flags.json === true) {
          const rows = findings.map(({ rule, path, breaks, message, location }) => ({ rule, path, breaks, message, location }));
          io.stdout(`${JSON.stringify({ compatible: report.compatible, mode, policy, findings: rows }, null, 2)}\n`);
        } else {
          for (const finding of findings) io.stdout(breakingLine(finding.location, finding.message, finding.rule, finding.breaks));
          const verdict = report.compatible ? "is" : `is not (${findings.length} breaking change${findings.length === 1 ? "" : "s"})`;
          io.stdout(`"${after.file.display}" ${verdict} ${mode} compatible with "${before.file.display}" under the ${policy} policy\n`);
        }
        done(report.compatible ? ExitCode.ok : ExitCode.finding);
      } catch (error) {
        done(reportFailure(io, error, "nothing compared"));
      }
    });
};

/** Read a schema file with positions (JSON is YAML) and parse it as JSON; throws `ArgumentError` saying why it is not a JSON Schema. */
function readSchema(sources: SourceFiles, path: string, argument: string): { file: SourceFile; schema: JsonSchema } {
  const sink = new DiagnosticSink();
  const file = sources.load(path, sink);
  if (file === undefined) {
    const [problem] = sink.all();
    throw new ArgumentError(argument, `a JSON Schema file, but ${problem?.message ?? `"${path}" cannot be read`}`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(file.text);
  } catch (error) {
    throw new ArgumentError(argument, `a JSON Schema file, but "${file.display}" is not JSON: ${(error as Error).message}`);
  }
  if (typeof schema !== "boolean" && !isPlainObject(schema)) {
    throw new ArgumentError(argument, `a JSON Schema file, but "${file.display}" holds ${Array.isArray(schema) ? "an array" : JSON.stringify(schema)}, not an object or a boolean`);
  }
  return { file, schema };
}
