// The `evc` executable: the only module that reads `process`.
import { runCli } from "./program.js";

// On an interrupt, a command that asked to be told stops cleanly; any other exits at once, as by default. A second interrupt kills.
const interruptHandlers: (() => void)[] = [];
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.once(signal, () => {
    if (interruptHandlers.length === 0) process.exit(code);
    for (const handler of interruptHandlers) handler();
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  onInterrupt: (handler) => interruptHandlers.push(handler),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
});
