/** What the runtime commands share: the registry module to load and the server to connect to. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { connect, type EventBus } from "../../runtime/bus.js";
import { ArgumentError } from "../../runtime/errors.js";
import type { Registry } from "../../runtime/registry.js";
import type { CliIO } from "./io.js";
import { natsCredentials } from "./nats-credentials.js";

/** The options every runtime command takes. */
export interface BusFlags {
  server?: string;
  registry: string;
  creds?: string;
}

/** Add `--server`, `--creds` and `--registry` to a command. */
export function busOptions(command: Command): Command {
  return command
    .option("--server <url>", "the NATS server (default: $NATS_URL, else nats://127.0.0.1:4222)")
    .option("--creds <file>", "a NATS .creds file (default: $NATS_CREDS; else $NATS_USER and $NATS_PASSWORD, or $NATS_TOKEN)")
    .option("--registry <module>", "the module exporting the generated `registry`", "generated/index.ts");
}

/** Load the `registry` export of a module; throws `ArgumentError` when there is none. */
export async function loadRegistry(module: string, cwd: string): Promise<Registry> {
  const path = resolve(cwd, module);
  if (!existsSync(path)) throw new ArgumentError("registry", `a module exporting the generated registry, but "${module}" does not exist (run \`evc generate\` first)`);
  const loaded = (await import(pathToFileURL(path).href)) as { registry?: Registry };
  if (loaded.registry === undefined) throw new ArgumentError("registry", `a module exporting \`registry\`, but "${module}" exports none`);
  return loaded.registry;
}

/** Connect a bus as the flags say; `provision` creates or updates the specs' streams first. */
export async function connectBus(flags: BusFlags, io: CliIO, provision: boolean): Promise<EventBus> {
  const registry = await loadRegistry(flags.registry, io.cwd);
  const servers = flags.server ?? io.env["NATS_URL"] ?? "nats://127.0.0.1:4222";
  return connect({ registry, servers, name: "evc-cli", provision, publishRetryMs: 10_000, connection: { maxReconnectAttempts: 0, ...natsCredentials(io, flags.creds) } });
}

/** Read `--data`-style input: JSON text, or `@file` for a file's JSON; throws `ArgumentError` naming the flag. */
export async function readJsonArgument(flag: string, value: string, cwd: string): Promise<unknown> {
  const { readFile } = await import("node:fs/promises");
  const text = value.startsWith("@") ? await readFile(resolve(cwd, value.slice(1)), "utf8").catch(() => undefined) : value;
  if (text === undefined) throw new ArgumentError(flag, `JSON or @file, but "${value.slice(1)}" cannot be read`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ArgumentError(flag, `JSON or @file, but it is not JSON (${(error as Error).message})`);
  }
}
