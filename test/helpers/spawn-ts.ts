import { spawn, type ChildProcess } from "node:child_process";

/**
 * Start a TypeScript fixture as a child process: node itself with tsx as a loader (one process, so
 * that SIGKILL kills the fixture and not a wrapper), resolving the packages to their sources.
 */
export function spawnTs(script: string, args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ["--conditions=@evc/source", "--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
}

/** Start a fixture that writes "ready" on stdout once it runs, and resolve then; rejects if it exits before. */
export async function startReadyTs(script: string, args: readonly string[]): Promise<ChildProcess> {
  const child = spawnTs(script, args);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    child.once("exit", (code, signal) => reject(new Error(`${script} exited (${code ?? signal}) before it was ready`)));
  });
  return child;
}

/** SIGKILL a child process, unless it has exited, and resolve with the signal that ended it once it has. */
export async function killChild(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.signalCode;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_, signal) => resolve(signal)));
  child.kill("SIGKILL");
  return exited;
}
