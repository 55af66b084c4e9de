/**
 * `evc.config.yaml`: where the specs, the SDK and the upcasters are, how generated code imports the
 * runtime, and the contract gate (default mode, policy, baseline, lock, accepted breaks), in the
 * spirit of `buf.yaml`. Validated against `config.schema.json`, which ships with the tool; problems
 * are reported at `file:line:col`. Relative paths start from the folder of the file.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ErrorObject } from "ajv";
import { type CompatibilityMode, isPlainObject } from "@evc/runtime/codegen";
import { isContractRule } from "./compat/contracts.js";
import { ConfigError, configFileName } from "./config-file.js";
import type { CompatibilityPolicy } from "./compat/differ.js";
import { DiagnosticSink, type SpecDiagnostic } from "./diagnostics.js";
import { pointerTokens, SourceFiles } from "./sources.js";
import { configuration } from "./own-schemas.js";
import { precompiledValidator } from "./precompiled-validators.js";

export { ConfigError, configFileName } from "./config-file.js";

/** A breaking change accepted on purpose, as buf's `ignore`/`except`: one rule on one event version, with the reason. */
export interface AcceptedBreak {
  /** The event version, `<type>@v<N>`. */
  readonly contract: string;
  /** A rule id of the checker. */
  readonly rule: string;
  readonly reason: string;
  /** Where the entry is written, for messages. */
  readonly location: SpecDiagnostic["location"];
}

/** The settings of the contract gate. */
export interface CompatibilityConfig {
  /** The mode of events that do not declare one. */
  readonly mode: CompatibilityMode;
  readonly policy: CompatibilityPolicy;
  /** The git ref `evc diff` compares with when `--against` is not given. */
  readonly baseline: string | undefined;
  /** Absolute path of the lock of released contracts. */
  readonly lock: string;
  readonly accept: readonly AcceptedBreak[];
}

/** The configuration, every path absolute, defaults applied. */
export interface EvcConfig {
  /** The file read, or undefined when there is none and the defaults apply. */
  readonly file: string | undefined;
  /** The folder relative paths start from: the file's, or the working directory. */
  readonly root: string;
  readonly specs: string;
  readonly output: { readonly dir: string; readonly runtimeImport: string | undefined };
  readonly upcasters: string;
  readonly compatibility: CompatibilityConfig;
  /** Where the file writes the settings that name something outside it, for messages about what they name. */
  readonly written: { readonly specs?: SpecDiagnostic["location"]; readonly baseline?: SpecDiagnostic["location"] };
}

/** Where to look for the configuration. */
export interface ConfigOptions {
  /** The working directory, where `evc.config.yaml` is looked for. */
  readonly cwd: string;
  /** An explicit file (`--config`); it must exist. */
  readonly file: string | undefined;
}

/** The configuration of a folder without a file: `asyncapi/` to `generated/`, BACKWARD, strict, `evc.lock.yaml`. */
export function defaultConfig(root: string): EvcConfig {
  return {
    file: undefined,
    root,
    specs: resolve(root, "asyncapi"),
    output: { dir: resolve(root, "generated"), runtimeImport: undefined },
    upcasters: resolve(root, "upcasters"),
    compatibility: { mode: "BACKWARD", policy: "strict", baseline: undefined, lock: resolve(root, "evc.lock.yaml"), accept: [] },
    written: {},
  };
}

/**
 * Read `--config <file>`, else `evc.config.yaml` of the working directory, else the defaults.
 * Throws `ConfigError` naming `file:line:col` for each problem.
 */
export function loadConfig(options: ConfigOptions): EvcConfig {
  const path = resolve(options.cwd, options.file ?? configFileName);
  if (options.file === undefined && !existsSync(path)) return defaultConfig(options.cwd);
  const sources = new SourceFiles(options.cwd);
  const sink = new DiagnosticSink();
  const file = sources.load(path, sink);
  if (file === undefined) throw new ConfigError(sink.all());
  const at = (pointer: string) => sources.locate(file, pointerTokens(pointer));
  const validate = precompiledValidator(configuration.name);
  if (!validate(file.json)) {
    throw new ConfigError(schemaProblems(validate.errors ?? []).map(({ pointer, message }) => problem(message, at(pointer))));
  }
  const raw = file.json as RawConfig;
  const unknownRules = (raw.compatibility?.accept ?? []).flatMap((entry, index) =>
    isContractRule(entry.rule) ? [] : [problem(`unknown rule "${entry.rule}" in an accepted break: use a rule id that \`evc check\` prints`, at(`/compatibility/accept/${index}/rule`))],
  );
  if (unknownRules.length > 0) throw new ConfigError(unknownRules);
  const root = dirname(path);
  const defaults = defaultConfig(root);
  const within = (value: string | undefined, fallback: string) => (value === undefined ? fallback : resolve(root, value));
  return {
    file: path,
    root,
    specs: within(raw.specs, defaults.specs),
    output: { dir: within(raw.output?.dir, defaults.output.dir), runtimeImport: raw.output?.runtimeImport },
    upcasters: within(raw.upcasters, defaults.upcasters),
    compatibility: {
      mode: raw.compatibility?.mode ?? defaults.compatibility.mode,
      policy: raw.compatibility?.policy ?? defaults.compatibility.policy,
      baseline: raw.compatibility?.baseline,
      lock: within(raw.compatibility?.lock, defaults.compatibility.lock),
      accept: (raw.compatibility?.accept ?? []).map((entry, index) => ({ ...entry, location: at(`/compatibility/accept/${index}`) })),
    },
    written: {
      ...(raw.specs === undefined ? {} : { specs: at("/specs") }),
      ...(raw.compatibility?.baseline === undefined ? {} : { baseline: at("/compatibility/baseline") }),
    },
  };
}

/** A `ConfigError` about what a setting the file wrote names (it must be one `written` holds), at the setting's line. */
export function writtenSettingError(config: EvcConfig, setting: keyof EvcConfig["written"], message: string): ConfigError {
  const location = config.written[setting];
  if (location === undefined) throw new Error(`the configuration does not write "${setting}"`);
  return new ConfigError([problem(message, location)]);
}

interface RawConfig {
  readonly specs?: string;
  readonly output?: { readonly dir?: string; readonly runtimeImport?: string };
  readonly upcasters?: string;
  readonly compatibility?: {
    readonly mode?: CompatibilityMode;
    readonly policy?: CompatibilityPolicy;
    readonly baseline?: string;
    readonly lock?: string;
    readonly accept?: readonly { contract: string; rule: string; reason: string }[];
  };
}

/** A problem of the configuration at a location. */
function problem(message: string, location: SpecDiagnostic["location"]): SpecDiagnostic {
  return { severity: "error", code: "evc-config", message, location };
}

/** Ajv's errors as messages at the JSON pointer of the offending value (an unknown key at the key itself). */
function schemaProblems(errors: readonly ErrorObject[]): { pointer: string; message: string }[] {
  return errors.map((error) => {
    const where = error.instancePath === "" ? "the configuration" : `"${error.instancePath.slice(1).replaceAll("/", ".")}"`;
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "additionalProperties") {
      const key = String(params["additionalProperty"]);
      return { pointer: `${error.instancePath}/${key}`, message: `unknown key "${key}" in ${where}` };
    }
    if (error.keyword === "const") return { pointer: error.instancePath, message: `${where} must be ${JSON.stringify(params["allowedValue"])}` };
    const allowed = isPlainObject(params) && Array.isArray(params["allowedValues"]) ? `: ${(params["allowedValues"] as unknown[]).join(", ")}` : "";
    return { pointer: error.instancePath, message: `${where} ${error.message ?? "is invalid"}${allowed}` };
  });
}
