/** Run `evc` as a person does, as a child process of its own (`node generator/bin/evc.js ...`). */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

const entry = "generator/bin/evc.js";

/** Run an `evc` command to its end; returns its exit code and output. */
export async function runEvc(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [entry, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

/** A long-running `evc` command, stopped (SIGTERM, by its pid) when disposed. */
export interface EvcProcess extends AsyncDisposable {
  readonly child: ChildProcess;
  /** The first match of `pattern` in its standard output. */
  readonly match: RegExpExecArray;
}

/** Start an `evc` command and wait until its standard output matches `pattern`; throws with its output when it exits first or takes longer than `timeoutMs`. */
export async function startEvc(pattern: RegExp, args: readonly string[], timeoutMs = 90_000, env: NodeJS.ProcessEnv = process.env): Promise<EvcProcess> {
  const child = spawn(process.execPath, [entry, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let stdout = "";
  let stderr = "";
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`evc ${args.join(" ")} printed nothing matching ${pattern} within ${timeoutMs} ms: ${stdout}${stderr}`)), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = pattern.exec(stdout);
      if (found !== null) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`evc ${args.join(" ")} exited with ${code}: ${stdout}${stderr}`));
    });
  });
  return {
    child,
    match,
    [Symbol.asyncDispose]: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
