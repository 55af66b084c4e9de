/** `--config` and the flags that override `evc.config.yaml`: the settings a command runs with. */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { resolve } from "node:path";
import { ArgumentError } from "@evc/runtime/errors";
import type { EvcConfig } from "../config.js";
import { configFileName } from "../config-file.js";
import type { GenerateOptions } from "../generate.js";
import type { LoadOptions } from "../load.js";
import type { LockCheckOptions } from "../compat/lock.js";
import type { CliIO } from "./io.js";
import { displayPath } from "../paths.js";

/** The flags that may override the configuration; each absent unless given. */
export interface SettingsFlags {
  config?: string;
  specs?: string;
  out?: string;
  upcasters?: string;
  runtimeImport?: string;
  policy?: string;
  allowRemoteRefs?: boolean;
}

/** Add `--config <file>` to a command. */
export function configOption(command: Command): Command {
  return command.option("--config <file>", "the configuration file (default: evc.config.yaml in the working directory, if any)");
}

/** Add the flags of the spec-reading commands, each overriding the configuration, with `--config`. */
export function specOptions(command: Command): Command {
  return specFlags(configOption(command));
}

/** Add `--specs` and `--allow-remote-refs`, for a command that adds `--config` otherwise. */
export function specFlags(command: Command): Command {
  return command
    .option("--specs <file|dir>", "a spec file or a folder of specs (default: the configuration's, else asyncapi)")
    .option("--allow-remote-refs", "let the parser fetch http(s) $refs");
}

/** What `loadContracts` reads with these settings: the specs `--specs`, else the configuration, names. */
export async function specsToLoad(flags: SettingsFlags, io: CliIO): Promise<LoadOptions> {
  return loadOptions(await readSettings(flags, io), flags, io);
}

/** What the lock of released contracts is checked with, in these settings. */
export function lockCheckOptions(settings: EvcConfig, io: CliIO): LockCheckOptions {
  const { lock, policy, accept } = settings.compatibility;
  return { lock, cwd: io.cwd, policy, accept };
}

/** The options of `loadContracts` for these settings (as `generateOptions` gives those of `generate`). */
export function loadOptions(settings: EvcConfig, flags: SettingsFlags, io: CliIO): LoadOptions {
  return { specs: settings.specs, cwd: io.cwd, allowRemoteRefs: flags.allowRemoteRefs === true, defaultCompatibility: settings.compatibility.mode };
}

/**
 * The configuration with the flags given applied over it; flag paths start from the working
 * directory. The reader (and its schema validator) loads only here, not when a command starts.
 */
export async function readSettings(flags: SettingsFlags, io: CliIO): Promise<EvcConfig> {
  const [{ loadConfig, writtenSettingError }, { parsePolicy }] = await Promise.all([import("../config.js"), import("./compat-flags.js")]);
  const config = loadConfig({ cwd: io.cwd, file: flags.config });
  if (flags.specs === undefined && config.written.specs !== undefined && !existsSync(config.specs)) {
    throw writtenSettingError(config, "specs", `"specs" names "${displayPath(io.cwd, config.specs)}", which does not exist: a spec file or a folder of specs, relative to the configuration's folder`);
  }
  if (flags.specs === undefined && config.file === undefined && !existsSync(config.specs)) {
    throw new ArgumentError(
      "specs",
      `specs to read, but there is no ${configFileName} here and no "${displayPath(io.cwd, config.specs)}" folder: run \`npx evc init\` to start a contracts repository here, or pass --specs <file or folder>`,
    );
  }
  const path = (flag: string | undefined, fallback: string) => (flag === undefined ? fallback : resolve(io.cwd, flag));
  return {
    ...config,
    specs: path(flags.specs, config.specs),
    output: { dir: path(flags.out, config.output.dir), runtimeImport: flags.runtimeImport ?? config.output.runtimeImport },
    upcasters: path(flags.upcasters, config.upcasters),
    compatibility: { ...config.compatibility, policy: flags.policy === undefined ? config.compatibility.policy : parsePolicy(flags.policy) },
  };
}

/** The options of `generate` and `check` for these settings. */
export function generateOptions(settings: EvcConfig, flags: SettingsFlags, io: CliIO): Partial<GenerateOptions> {
  return {
    specs: settings.specs,
    out: settings.output.dir,
    upcasters: settings.upcasters,
    cwd: io.cwd,
    allowRemoteRefs: flags.allowRemoteRefs === true,
    ...(settings.output.runtimeImport === undefined ? {} : { runtimeImport: settings.output.runtimeImport }),
    defaultCompatibility: settings.compatibility.mode,
  };
}

