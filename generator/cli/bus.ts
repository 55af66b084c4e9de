/** What the runtime commands share: the registry module to load and the server to connect to. */
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { ArgumentError, connect, ContractError, type Credentials, type EventBus, type Registry } from "@evc/runtime";
import type { CliIO } from "./io.js";
import { configOption } from "./settings.js";

/** The options every runtime command takes. */
export interface BusFlags {
  server?: string;
  /** Absent: `index.ts` in the configuration's output folder. */
  registry?: string;
  config?: string;
  user?: string;
  password?: string;
  token?: string;
  creds?: string;
  nkey?: string;
  tlscert?: string;
  tlskey?: string;
  tlsca?: string;
}

/** The login flags, each with the environment variable the `nats` CLI reads for it. */
const loginFlags = [
  ["user", "NATS_USER", "--user <name>", "user name"],
  ["password", "NATS_PASSWORD", "--password <secret>", "password"],
  ["token", "NATS_TOKEN", "--token <secret>", "authentication token"],
  ["creds", "NATS_CREDS", "--creds <file>", "user credentials file (JWT and nkey seed)"],
  ["nkey", "NATS_NKEY", "--nkey <file>", "file holding a user nkey seed"],
  ["tlscert", "NATS_CERT", "--tlscert <file>", "TLS client certificate (PEM)"],
  ["tlskey", "NATS_KEY", "--tlskey <file>", "TLS client certificate's private key (PEM)"],
  ["tlsca", "NATS_CA", "--tlsca <file>", "CA certificate that signed the server's (PEM)"],
] as const;

/** Add `--server`, `--registry`, `--config` and the login flags to a command. */
export function busOptions(command: Command): Command {
  configOption(command)
    .option("--server <url>", "the NATS server, or several separated by commas; credentials in it are used (default: $NATS_URL, else nats://127.0.0.1:4222)")
    .option("--registry <module>", "the module exporting the generated `registry` (default: index.ts in the configuration's output folder, else generated/index.ts)");
  for (const [, variable, flag, what] of loginFlags) command.option(flag, `${what} (default: $${variable})`);
  return command;
}

/** The credentials the flags, else the environment, give. */
function credentialsOf(flags: BusFlags, env: CliIO["env"]): Credentials {
  const value = (name: (typeof loginFlags)[number][0], variable: string) => flags[name] ?? (env[variable] === "" ? undefined : env[variable]);
  const [user, password, token, creds, nkey, tlsCert, tlsKey, tlsCa] = loginFlags.map(([name, variable]) => value(name, variable));
  return { user, password, token, creds, nkey, tlsCert, tlsKey, tlsCa };
}

/** The registry module the flags name, else `index.ts` of the output folder `evc.config.yaml` (or `--config`) names, shown relative to the working directory. */
async function registryModule(flags: BusFlags, cwd: string): Promise<string> {
  if (flags.registry !== undefined) return flags.registry;
  const { loadConfig } = await import("../config.js");
  return relative(cwd, join(loadConfig({ cwd, file: flags.config }).output.dir, "index.ts"));
}

/** Load the `registry` export of a module; throws `ArgumentError` when there is none. */
export async function loadRegistry(module: string, cwd: string): Promise<Registry> {
  const path = resolve(cwd, module);
  if (!existsSync(path)) throw new ArgumentError("registry", `a module exporting the generated registry, but "${module}" does not exist (run \`evc generate\` first, or name the module with --registry)`);
  const loaded = (await importModule(path)) as { registry?: Registry };
  if (loaded.registry === undefined) throw new ArgumentError("registry", `a module exporting \`registry\`, but "${module}" exports none`);
  return loaded.registry;
}

/**
 * Import a user's module: JavaScript natively, TypeScript (a generated SDK, hand-written upcasters)
 * through tsx's API, loaded only now, so that the tool itself never runs under a loader.
 */
async function importModule(path: string): Promise<unknown> {
  const url = pathToFileURL(path).href;
  if (!/\.[cm]?tsx?$/.test(path)) return import(url);
  const { tsImport } = await import("tsx/esm/api");
  return tsImport(url, import.meta.url);
}

/** Connect a bus as the flags say; `provision` creates or updates the specs' streams first. */
export async function connectBus(flags: BusFlags, io: CliIO, provision: boolean): Promise<EventBus> {
  const registry = await loadRegistry(await registryModule(flags, io.cwd), io.cwd);
  const servers = flags.server ?? io.env["NATS_URL"] ?? "nats://127.0.0.1:4222";
  return connect({ registry, servers, credentials: credentialsOf(flags, io.env), name: "evc-cli", provision, publishRetryMs: 10_000, connection: { maxReconnectAttempts: 0, timeout: 5_000 } });
}

/** Thrown when a stream a runtime command reads is not on the server yet; names the streams and what creates them. */
export class MissingStreamError extends ContractError {
  constructor(streams: readonly string[]) {
    const named = streams.map((stream) => `"${stream}"`).join(", ");
    super(`${streams.length === 1 ? `stream ${named} does` : `streams ${named} do`} not exist on this server yet: a service creates the specs' streams when it connects (connect() provisions them), and so does evc publish`);
    this.name = "MissingStreamError";
  }
}

/** Throw `MissingStreamError` unless the server holds every stream named. */
export async function requireStreams(bus: EventBus, names: Iterable<string>): Promise<void> {
  const present = new Set<string>();
  for await (const name of bus.manager.streams.names()) present.add(name);
  const missing = [...new Set(names)].filter((name) => !present.has(name));
  if (missing.length > 0) throw new MissingStreamError(missing);
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

/** Read a count, version or sequence given on the command line: a positive integer; throws `ArgumentError` naming the flag. */
export function positiveIntegerArgument(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isInteger(number) || number < 1) throw new ArgumentError(flag, `a positive integer, not "${value}"`);
  return number;
}
