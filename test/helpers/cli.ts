import { runCli } from "@evc/cli/cli";

/** What an in-memory run of `evc` returned and printed. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `evc` in memory from the repository root; returns the exit code and what it printed. */
export function evc(env: Record<string, string | undefined>, ...args: string[]): Promise<CliRun> {
  return evcIn(process.cwd(), env, ...args);
}

/** Run `evc` in memory in a working directory; returns the exit code and what it printed. */
export async function evcIn(cwd: string, env: Record<string, string | undefined>, ...args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd, env });
  return { code, stdout, stderr };
}
