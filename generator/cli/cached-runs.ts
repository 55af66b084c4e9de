/**
 * The run cache as `evc generate` and `evc check` use it: the key is the command, its flags, the
 * working directory and the configuration file's text; the entry lists every input the run read
 * (hashed before the run, and as read) and the output the specs generate. Nothing here loads the
 * parser, Modelina or the configuration's validator, so a run served from the cache starts at once.
 */
import { resolve } from "node:path";
import { configFileName } from "../config-file.js";
import type { EvcConfig } from "../config.js";
import type { GenerateResult } from "../generate.js";
import { cacheFolder, hashFile, hashFolder, hashPlannedFolder, hashText, RunCache } from "../run-cache.js";
import type { CliIO } from "./io.js";
import type { SettingsFlags } from "./settings.js";

/** The flags of a cached command; `cache` is false with `--no-cache`. */
export interface CacheFlags extends SettingsFlags {
  cache?: boolean;
}

/** A run that may be served from the cache, or recorded in it. */
export interface CachedRun {
  readonly cache: RunCache;
  readonly key: string;
}

/** The inputs of a run whose paths the settings name, hashed before it starts. */
export interface InputSnapshot {
  readonly files: Record<string, string>;
  readonly folders: Record<string, string>;
}

/** The cache of a command run with these flags; undefined with `--no-cache`. */
export function openRun(command: "generate" | "check", flags: CacheFlags, io: CliIO): CachedRun | undefined {
  if (flags.cache === false) return undefined;
  const { config, specs, out, upcasters, runtimeImport, policy, allowRemoteRefs } = flags;
  const configFile = resolve(io.cwd, config ?? configFileName);
  const key = RunCache.key({ command, cwd: io.cwd, flags: { config, specs, out, upcasters, runtimeImport, policy, allowRemoteRefs }, configFile, configText: hashFile(configFile) });
  return { cache: new RunCache(cacheFolder(io.cwd, io.env)), key };
}

/** Hash what the settings say a run reads (configuration, specs and upcasters folders, and `extra` files such as the lock) before it runs. */
export function snapshotInputs(settings: EvcConfig, flags: CacheFlags, io: CliIO, extra: readonly string[] = []): InputSnapshot {
  const files: Record<string, string> = {};
  for (const path of [resolve(io.cwd, flags.config ?? configFileName), ...extra]) files[path] = hashFile(path);
  const folders: Record<string, string> = {};
  for (const path of [settings.specs, settings.upcasters]) folders[path] = hashFolder(path);
  return { files, folders };
}

/**
 * Record a run's outcome when nothing it read changed while it ran: the snapshot taken before it,
 * and every spec file as it was read, must still be what is on disk. The output recorded is what
 * the specs generate, so a file edited by hand since makes the next run a full one.
 */
export function recordRun<Outcome>(run: CachedRun | undefined, before: InputSnapshot, result: GenerateResult, outcome: Outcome): void {
  if (run === undefined) return;
  const files = { ...before.files };
  for (const [path, text] of result.inputs) {
    const read = hashText(text);
    if (files[path] !== undefined && files[path] !== read) return;
    files[path] = read;
  }
  const unchanged = Object.entries(files).every(([path, hash]) => hashFile(path) === hash) && Object.entries(before.folders).every(([path, hash]) => hashFolder(path) === hash);
  if (!unchanged) return;
  run.cache.store(run.key, { files, folders: before.folders, output: { dir: result.output.dir, hash: hashPlannedFolder(result.output.files) }, outcome });
}
