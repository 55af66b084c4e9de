import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.js";
import { ExitCode, type CliIO, type ExitCodeValue } from "./io.js";
import { printable } from "./printable.js";

/** Run `evc` with the given arguments (without `node` and the script) and return its exit code. */
export async function runCli(args: readonly string[], given: CliIO): Promise<ExitCodeValue> {
  const io: CliIO = { ...given, stdout: (text) => given.stdout(printable(text)), stderr: (text) => given.stderr(printable(text)) };
  let code: ExitCodeValue = ExitCode.ok;
  const program = new Command("evc")
    .description("Schema-first event contracts: AsyncAPI specs in, a typed SDK and a JetStream runtime out")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();
  for (const register of commands) register(program, io, (result) => (code = result));
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
