import { relative, resolve } from "node:path";
import { diffContracts, type ContractChange } from "../../compat/contracts.js";
import { formatDiagnostic, SpecError } from "../../diagnostics.js";
import { loadContracts, type LoadedContracts, type LoadOptions } from "../../load.js";
import { specsAtRevision } from "../../revision.js";
import { parsePolicy } from "../compat-flags.js";
import { ExitCode, type CliIO, type CommandRegistration } from "../io.js";
import { breakingLine, printWarnings, reportFailure } from "../report.js";

interface DiffFlags {
  against: string;
  specs: string;
  policy: string;
  json?: boolean;
  allowRemoteRefs?: boolean;
}

/**
 * `evc diff --against <git-ref>`: compare every contract of the specs with the same contract at that
 * revision; exit 1 on a breaking change (each printed as `file:line:col`), 0 otherwise, 2 when the
 * revision or its specs cannot be read.
 */
export const diffCommand: CommandRegistration = (program, io, done) => {
  program
    .command("diff")
    .description("report every breaking change of the contracts since a git revision")
    .requiredOption("--against <git-ref>", "the revision to compare with (HEAD~1, main, a tag)")
    .option("--specs <file|dir>", "a spec file or a folder of specs", "asyncapi")
    .option("--policy <policy>", "strict or lenient, for the schema rules", "strict")
    .option("--allow-remote-refs", "let the parser fetch http(s) $refs")
    .option("--json", "print JSON")
    .action(async (flags: DiffFlags) => {
      try {
        const policy = parsePolicy(flags.policy);
        const options = { allowRemoteRefs: flags.allowRemoteRefs === true };
        const head = await loadContracts({ ...options, specs: flags.specs, cwd: io.cwd });
        printWarnings(io, head.warnings);
        using revision = specsAtRevision(flags.against, flags.specs, io.cwd);
        if (!revision.exists) {
          report(io, flags, [], `${flags.against} has no ${flags.specs}: every contract is new`);
          done(ExitCode.ok);
          return;
        }
        // Read the old specs as if from the same working directory, so that both sides name files alike.
        const cwd = resolve(revision.specs, relative(resolve(io.cwd, flags.specs), io.cwd));
        const base = await loadRevision(io, { ...options, specs: revision.specs, cwd }, flags.against);
        if (base === undefined) {
          done(ExitCode.failure);
          return;
        }
        const changes = diffContracts(base, head, { policy, revision: flags.against });
        const breaking = changes.filter((change) => change.severity === "breaking").length;
        const summary =
          breaking === 0
            ? `no breaking change since ${flags.against} (${changes.length} note${changes.length === 1 ? "" : "s"})`
            : `${breaking} breaking change${breaking === 1 ? "" : "s"} since ${flags.against}`;
        report(io, flags, changes, summary);
        done(breaking === 0 ? ExitCode.ok : ExitCode.finding);
      } catch (error) {
        done(reportFailure(io, error, "nothing compared"));
      }
    });
};

/** The contracts of the old revision; undefined, with every problem printed, when its specs do not load. */
async function loadRevision(io: CliIO, options: LoadOptions, revision: string): Promise<LoadedContracts | undefined> {
  try {
    return await loadContracts(options);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    for (const diagnostic of error.diagnostics) io.stderr(`${revision}: ${formatDiagnostic(diagnostic)}\n`);
    io.stderr(`evc: the specs at ${revision} have errors; nothing compared\n`);
    return undefined;
  }
}

function report(io: CliIO, flags: DiffFlags, changes: readonly ContractChange[], summary: string): void {
  if (flags.json === true) {
    const breaking = changes.filter((change) => change.severity === "breaking").length;
    io.stdout(`${JSON.stringify({ against: flags.against, breaking, changes }, null, 2)}\n`);
    return;
  }
  for (const change of changes) {
    const subject = `${change.type} v${change.version}: ${change.message}`;
    if (change.severity === "breaking") io.stdout(breakingLine(change.location, subject, change.rule, change.breaks));
    else io.stdout(`${change.location.file}:${change.location.line}:${change.location.column}: note: ${subject} (${change.rule})\n`);
  }
  io.stdout(`evc diff: ${summary}\n`);
}
