import type { Command } from "commander";
import { check, generate, type GenerateOptions } from "../../generate.js";
import { ExitCode, type CliIO, type CommandRegistration } from "../io.js";
import { printWarnings, reportFailure, reportUpcasterProblems } from "../report.js";

interface SpecFlags {
  specs: string;
  out: string;
  upcasters: string;
  allowRemoteRefs?: boolean;
  runtimeImport?: string;
}

function specOptions(command: Command): Command {
  return command
    .option("--specs <file|dir>", "a spec file or a folder of specs", "asyncapi")
    .option("--out <dir>", "the output folder (evc owns it)", "generated")
    .option("--upcasters <dir>", "the folder of hand-written upcasters", "upcasters")
    .option("--allow-remote-refs", "let the parser fetch http(s) $refs")
    .option("--runtime-import <specifier>", "how generated code imports the runtime helpers");
}

function toOptions(flags: SpecFlags, io: CliIO): Partial<GenerateOptions> {
  return {
    specs: flags.specs,
    out: flags.out,
    upcasters: flags.upcasters,
    cwd: io.cwd,
    allowRemoteRefs: flags.allowRemoteRefs === true,
    ...(flags.runtimeImport === undefined ? {} : { runtimeImport: flags.runtimeImport }),
  };
}

/** `evc generate`: write the SDK from the specs, atomically; exit 1 on spec errors, leaving the output as it was. */
export const generateCommand: CommandRegistration = (program, io, done) => {
  specOptions(program.command("generate").description("generate the SDK from the AsyncAPI specs")).action(async (flags: SpecFlags) => {
    const started = performance.now();
    try {
      const result = await generate(toOptions(flags, io));
      printWarnings(io, result.warnings);
      const { events, systems } = result.model;
      const took = Math.round(performance.now() - started);
      for (const file of result.files) io.stdout(`${file.reason === "extra" ? "removed" : "wrote"} ${file.path}\n`);
      io.stdout(`${events.length} event versions of ${systems.length} systems: ${result.files.length === 0 ? "nothing changed" : `${result.files.length} files updated`} (${took} ms)\n`);
      done(reportUpcasterProblems(io, result.upcasterProblems));
    } catch (error) {
      done(reportFailure(io, error, `${flags.out} left unchanged`));
    }
  });
};

/** `evc check`: exit 1 naming every stale file when the SDK does not match the specs. */
export const checkCommand: CommandRegistration = (program, io, done) => {
  specOptions(program.command("check").description("fail when the generated SDK does not match the specs")).action(async (flags: SpecFlags) => {
    try {
      const result = await check(toOptions(flags, io));
      printWarnings(io, result.warnings);
      if (result.files.length === 0) {
        io.stdout(`${flags.out} is in sync with ${flags.specs}\n`);
        done(reportUpcasterProblems(io, result.upcasterProblems));
        return;
      }
      reportUpcasterProblems(io, result.upcasterProblems);
      for (const file of result.files) io.stderr(`stale: ${file.path} (${file.reason})\n`);
      io.stderr(`evc: ${result.files.length} generated files are stale; run \`evc generate\`\n`);
      done(ExitCode.finding);
    } catch (error) {
      done(reportFailure(io, error, "cannot tell whether the SDK is stale"));
    }
  });
};
