import { loadContracts } from "../../load.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { printWarnings, reportFailure } from "../report.js";
import { Reporter, listingJson } from "../output.js";
import { counted } from "../../wording.js";
import { specOptions, specsToLoad, type SettingsFlags } from "../settings.js";

/** One line of `evc list`. */
interface ContractRow {
  readonly type: string;
  readonly version: number;
  readonly latestVersion: number;
  readonly system: string;
  readonly subject: string | null;
  readonly stream: string | null;
  readonly className: string;
}

/** `evc list [--json]`: every contract with its type, version, latest version, system and subject. */
export const listCommand: CommandRegistration = (command, io, done) => {
  specOptions(command)
    .option("--json", "print JSON")
    .action(async (flags: SettingsFlags & { json?: boolean }) => {
      try {
        const { model, warnings } = await loadContracts(await specsToLoad(flags, io));
        printWarnings(new Reporter(io, "list", "text"), warnings);
        const latest = new Map<string, number>();
        for (const event of model.events) latest.set(event.type, Math.max(latest.get(event.type) ?? 0, event.version));
        const rows: ContractRow[] = model.events.map((event) => ({
          type: event.type,
          version: event.version,
          latestVersion: latest.get(event.type) ?? event.version,
          system: event.system,
          subject: event.subject?.address ?? null,
          stream: event.stream ?? null,
          className: event.className,
        }));
        io.stdout(flags.json === true ? listingJson("list", counted(rows.length, "event version"), rows) : table(rows));
        done(ExitCode.ok);
      } catch (error) {
        done(reportFailure(new Reporter(io, "list", "text"), error, "nothing listed"));
      }
    });
};

function table(rows: readonly ContractRow[]): string {
  const header = ["TYPE", "VERSION", "LATEST", "SYSTEM", "SUBJECT"];
  const cells = rows.map((row) => [row.type, `v${row.version}`, `v${row.latestVersion}`, row.system, row.subject ?? "-"]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => (cell[column] as string).length)));
  const line = (cell: readonly string[]) => `${cell.map((text, column) => text.padEnd(widths[column] as number)).join("  ").trimEnd()}\n`;
  return [line(header), ...cells.map(line)].join("");
}
