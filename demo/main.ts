// `npm start`, after `evc generate`: the seeds' flows on the NATS server of $NATS_URL, or on one of its own.
import { runDemoOn } from "./start.js";

try {
  await runDemoOn(process.env["NATS_URL"], (line) => process.stdout.write(`${line}\n`), process.env["EVC_POSTGRES_URL"]);
} catch (error) {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
