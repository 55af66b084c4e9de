import { spawn, type ChildProcess } from "node:child_process";

/**
 * Start a TypeScript fixture as a child process: node itself with tsx as a loader (one process, so
 * that SIGKILL kills the fixture and not a wrapper), resolving the packages to their sources.
 */
export function spawnTs(script: string, args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ["--conditions=@evc/source", "--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
}
