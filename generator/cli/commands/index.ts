import type { CommandRegistration } from "../io.js";

/** A subcommand as `evc --help` lists it, and how to load its module when it runs. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<CommandRegistration>;
}

/**
 * Every `evc` subcommand, in the order `evc --help` lists them. A command's module (and what it
 * imports: the parser, Modelina, the NATS client) is loaded only when that command runs, so that
 * `--help` and `--version` start at once and never load generated code.
 */
export const commands: readonly CommandEntry[] = [
  { name: "init", summary: "start a contracts repository: evc.config.yaml, a spec with a v1 event, npm scripts and a CI workflow", load: async () => (await import("./init.js")).initCommand },
  { name: "generate", summary: "generate the SDK from the AsyncAPI specs", load: async () => (await import("./generate.js")).generateCommand },
  { name: "check", summary: "fail when the SDK is stale or a released contract breaks its lock", load: async () => (await import("./generate.js")).checkCommand },
  { name: "release", summary: "record the contracts as released in the lock, refusing a change their modes forbid", load: async () => (await import("./release.js")).releaseCommand },
  { name: "list", summary: "list every contract: type, version, latest version, system, subject", load: async () => (await import("./list.js")).listCommand },
  { name: "diff", summary: "report every breaking change of the contracts since a git revision", load: async () => (await import("./diff.js")).diffCommand },
  { name: "compat", summary: "tell whether a new JSON Schema is compatible with an old one, under Confluent Schema Registry's modes", load: async () => (await import("./compat.js")).compatCommand },
  { name: "publish", summary: "validate and publish one event", load: async () => (await import("./publish.js")).publishCommand },
  { name: "tail", summary: "print events of a type or pattern, decoded, validated and upcast", load: async () => (await import("./tail.js")).tailCommand },
  { name: "dlq", summary: "list, show and replay dead letters", load: async () => (await import("./dlq.js")).dlqCommand },
  { name: "studio", summary: "serve a local web app: catalog, live events, dead letters, streams", load: async () => (await import("./studio.js")).studioCommand },
  { name: "catalog", summary: "write the catalog of contracts as a static site", load: async () => (await import("./catalog.js")).catalogCommand },
];
