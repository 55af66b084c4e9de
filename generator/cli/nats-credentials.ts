/**
 * The NATS credentials of the runtime commands, from the environment so that no secret shows in a
 * process list: `NATS_CREDS` (a .creds file; also `--creds`), else `NATS_USER` and `NATS_PASSWORD`,
 * else `NATS_TOKEN`. The commands read and write only what those credentials allow.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { credsAuthenticator, type NodeConnectionOptions } from "@nats-io/transport-node";
import { ArgumentError } from "../../runtime/errors.js";
import type { CliIO } from "./io.js";

/** The connection options that carry the credentials, if any are given. */
export function natsCredentials(io: CliIO, credsFile: string | undefined): Partial<NodeConnectionOptions> {
  const creds = credsFile ?? io.env["NATS_CREDS"];
  if (creds !== undefined) {
    let text: Uint8Array;
    try {
      text = readFileSync(resolve(io.cwd, creds));
    } catch (error) {
      throw new ArgumentError("creds", `a readable .creds file, but "${creds}" cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    return { authenticator: credsAuthenticator(text) };
  }
  const user = io.env["NATS_USER"];
  if (user !== undefined) return { user, pass: io.env["NATS_PASSWORD"] ?? "" };
  const token = io.env["NATS_TOKEN"];
  return token === undefined ? {} : { token };
}
