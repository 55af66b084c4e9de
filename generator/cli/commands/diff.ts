import { relative, resolve } from "node:path";
import { diffContracts } from "../../compat/contracts.js";
import { formatDiagnostic, SpecError } from "../../diagnostics.js";
import { loadContracts, type LoadedContracts, type LoadOptions } from "../../load.js";
import { specsAtRevision, UnknownRevisionError, type RevisionSpecs } from "../../revision.js";
import { writtenSettingError, type EvcConfig } from "../../config.js";
import { applyAccepted } from "../../compat/lock.js";
import { ArgumentError } from "@evc/runtime/errors";
import { ExitCode, type CommandRegistration } from "../io.js";
import { formatOption, Reporter } from "../output.js";
import { printChanges, printUnusedAccepts, printWarnings, reportFailure } from "../report.js";
import { loadOptions, readSettings, specOptions, type SettingsFlags } from "../settings.js";
import { counted } from "../../wording.js";
import { displayPath } from "../../paths.js";

interface DiffFlags extends SettingsFlags {
  against?: string;
  format?: string;
  json?: boolean;
}

/**
 * `evc diff --against <git-ref>`: compare every contract of the specs with the same contract at that
 * revision; exit 1 on a breaking change (each printed as `file:line:col`), 0 otherwise, 2 when the
 * revision or its specs cannot be read.
 */
export const diffCommand: CommandRegistration = (command, io, done) => {
  formatOption(specOptions(command))
    .option("--against <git-ref>", "the revision to compare with (HEAD~1, main, a tag; default: the configuration's baseline)")
    .option("--policy <policy>", "strict or lenient, for the schema rules (default: the configuration's, else strict)")
    .action(async (flags: DiffFlags) => {
      const reporter = Reporter.from(io, "diff", flags);
      try {
        reporter.checkFormat();
        const settings = await readSettings(flags, io);
        const { compatibility } = settings;
        const against = flags.against ?? compatibility.baseline;
        if (against === undefined) throw new ArgumentError("against", "a git revision to compare with: give --against <git-ref>, or compatibility.baseline in evc.config.yaml");
        const specs = displayPath(io.cwd, settings.specs);
        const options = loadOptions(settings, flags, io);
        const head = await loadContracts(options);
        printWarnings(reporter, head.warnings);
        using revision = atRevision(against, specs, io.cwd, flags.against === undefined ? settings : undefined);
        if (!revision.exists) {
          done(reporter.finish(ExitCode.ok, `evc diff: ${against} has no ${specs}: every contract is new`));
          return;
        }
        // Read the old specs as if from the same working directory, so that both sides name files alike.
        const cwd = resolve(revision.specs, relative(settings.specs, io.cwd));
        const base = await loadRevision(reporter, { ...options, specs: revision.specs, cwd }, against);
        if (base === undefined) {
          done(reporter.finish(ExitCode.failure, `evc: the specs at ${against} have errors; nothing compared`, "stderr"));
          return;
        }
        const diffed = diffContracts(base.model.events, head, { policy: compatibility.policy, revision: against });
        const { changes, unused } = applyAccepted(diffed, compatibility.accept);
        printUnusedAccepts(reporter, unused, against);
        const breaking = changes.filter((change) => change.severity === "breaking").length;
        const summary =
          breaking === 0
            ? `no breaking change since ${against} (${counted(changes.length, "note")})`
            : `${counted(breaking, "breaking change")} since ${against}`;
        printChanges(reporter, changes);
        done(reporter.finish(breaking === 0 ? ExitCode.ok : ExitCode.finding, `evc diff: ${summary}`));
      } catch (error) {
        // Specs that do not load leave nothing to compare: the command cannot run.
        done(reportFailure(reporter, error, "nothing compared", ExitCode.failure));
      }
    });
};

/** The contracts of the old revision; undefined, with every problem reported, when its specs do not load. */
async function loadRevision(reporter: Reporter, options: LoadOptions, revision: string): Promise<LoadedContracts | undefined> {
  try {
    return await loadContracts(options);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    for (const diagnostic of error.diagnostics) {
      const finding = { severity: diagnostic.severity, rule: diagnostic.code, message: `at ${revision}: ${diagnostic.message}`, location: diagnostic.location };
      reporter.add(finding, `${revision}: ${formatDiagnostic(diagnostic)}\n`, "stderr");
    }
    return undefined;
  }
}

/** The specs at a revision; a baseline of the configuration that names no revision is an error at its line. */
function atRevision(against: string, specs: string, cwd: string, baselineOf: EvcConfig | undefined): RevisionSpecs {
  try {
    return specsAtRevision(against, specs, cwd);
  } catch (error) {
    if (!(error instanceof UnknownRevisionError) || baselineOf === undefined) throw error;
    throw writtenSettingError(baselineOf, "baseline", `"compatibility.baseline" names "${against}", which is no git revision of this repository: name the branch pull requests merge into (git branch lists them), or give --against <git-ref>`);
  }
}
