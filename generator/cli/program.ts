import { Command, CommanderError } from "commander";
import { toolVersion } from "../version.js";
import { commands } from "./commands/index.js";
import { ExitCode, type CliIO, type ExitCodeValue } from "./io.js";
import { printable } from "./printable.js";

export type { CliIO, ExitCodeValue } from "./io.js";

/** Run `evc` with the given arguments (without `node` and the script) and return its exit code. */
export async function runCli(args: readonly string[], given: CliIO): Promise<ExitCodeValue> {
  const io: CliIO = { ...given, stdout: (text) => given.stdout(printable(text)), stderr: (text) => given.stderr(printable(text)) };
  let code: ExitCodeValue = ExitCode.ok;
  const program = new Command("evc")
    .description("Schema-first event contracts: AsyncAPI specs in, a typed SDK and a JetStream runtime out")
    .version(toolVersion, "-V, --version", "print the version of evc")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();
  const invoked = args.find((arg) => !arg.startsWith("-"));
  for (const entry of commands) {
    const command = program.command(entry.name).description(entry.summary);
    if (entry.name === invoked) (await entry.load())(command, io, (result) => (code = result));
  }
  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.failure;
    }
    io.stderr(`evc: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failure;
  }
  return code;
}
