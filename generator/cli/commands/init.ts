import { relative, resolve } from "node:path";
import { scaffold } from "../../init/scaffold.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { Reporter } from "../output.js";
import { reportFailure } from "../report.js";

/** `evc init [dir]`: scaffold a contracts repository (config, a spec, scripts, CI); never overwrites a file. */
export const initCommand: CommandRegistration = (command, io, done) => {
  command
    .argument("[dir]", "the folder (created if missing)", ".")
    .action((dir: string) => {
      try {
        const folder = resolve(io.cwd, dir);
        const result = scaffold(folder);
        for (const file of result.created) io.stdout(`created ${file}\n`);
        for (const file of result.kept) io.stdout(`kept ${file} (it exists)\n`);
        if (result.packageJson !== "unchanged") io.stdout(`${result.packageJson} package.json (${result.changed.join(", ")})\n`);
        const steps = [...(folder === io.cwd ? [] : [`cd ${relative(io.cwd, folder)}`]), ...(result.added.length > 0 ? ["npm install"] : []), "npx evc generate", "npx tsc -p tsconfig.json"];
        io.stdout(`next: ${steps.join(", then ")}\n`);
        done(ExitCode.ok);
      } catch (error) {
        done(reportFailure(new Reporter(io, "init", "text"), error, "nothing more was written"));
      }
    });
};
