import { runCli } from "@evc/cli/cli";

/** Run `evc` in memory from the repository root; returns the exit code and what it printed. */
export async function evc(env: Record<string, string | undefined>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: process.cwd(), env });
  return { code, stdout, stderr };
}
