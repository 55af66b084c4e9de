/** `evc generate` and `evc check`: specs in, SDK out (or compared). */
import { isAbsolute, resolve } from "node:path";
import type { CompatibilityMode } from "@evc/runtime/codegen";
import type { ContractSide } from "./compat/contracts.js";
import type { SpecDiagnostic } from "./diagnostics.js";
import type { ModelRenderCache } from "./emit/render-cache.js";
import { InProcessEmitter, type SdkEmitter } from "./emit/emitter.js";
import { validatorsFiles } from "./emit/validators.js";
import type { Layout } from "./emit/layout.js";
import { loadContracts, type LoadedContracts } from "./load.js";
import type { LoadCache } from "./load-cache.js";
import type { ContractModel, EventModel } from "./model.js";
import type { SpecParser } from "./parse.js";
import { staleFiles, writeOutput, type OutputPlan, type StaleFile } from "./output.js";
import { judgeUpcastTrials } from "./upcaster-examples.js";

/** Options of `generate` and `check`; every field has a default (`defaultGenerateOptions`). */
export interface GenerateOptions {
  /** A spec file or a folder of them. */
  readonly specs: string;
  /** The output folder, which evc owns entirely. */
  readonly out: string;
  /** The folder of hand-written upcasters. */
  readonly upcasters: string;
  /** The folder relative paths start from. */
  readonly cwd: string;
  /** Let the parser fetch `http(s)` `$ref`s. */
  readonly allowRemoteRefs: boolean;
  /** How generated code imports the runtime helpers: a package specifier, or a path (made relative in each file). */
  readonly runtimeImport: string;
  /** The compatibility mode of messages that declare none. */
  readonly defaultCompatibility: CompatibilityMode;
  /** The parser to keep across runs (watch mode), which parses again only documents whose files changed; absent, a new one per run. */
  readonly parser?: SpecParser;
  /** Modelina's models to keep across runs (watch mode), rendered again only for events that changed; absent, every event is rendered. Only for the default emitter. */
  readonly renders?: ModelRenderCache;
  /** The spec files and schema compiler to keep across runs (watch mode): a file is parsed again only when its text changed, schemas compiled again only when one changed. */
  readonly loads?: LoadCache;
  /** What emits the files that need Modelina's models or ts-morph (the CLI's one-shot commands: a `WorkerSdkEmitter`); absent, they are emitted in this thread, with `renders`. */
  readonly emitter?: SdkEmitter;
  /**
   * Called with the contracts read once the validators module is written, while the emitter may still
   * work in its thread (the CLI checks the lock of released contracts then); what it throws fails the
   * run before anything is written.
   */
  readonly whileEmitting?: (contracts: ContractSide) => void;
}

/** The runtime helpers generated code imports by default: the runtime package's `codegen` entry. */
export const defaultRuntimeImport = "@evc/runtime/codegen";

/** The defaults: `asyncapi/` to `generated/`, upcasters in `upcasters/`, the runtime by package name, remote refs refused. */
export function defaultGenerateOptions(): GenerateOptions {
  return { specs: "asyncapi", out: "generated", upcasters: "upcasters", cwd: process.cwd(), allowRemoteRefs: false, runtimeImport: defaultRuntimeImport, defaultCompatibility: "BACKWARD" };
}

/** What a generation run found and did. */
export interface GenerateResult {
  readonly model: ContractModel;
  /** Where a path inside an event's payload schema is written in the specs. */
  readonly locate: LoadedContracts["locate"];
  readonly warnings: readonly SpecDiagnostic[];
  /** Files written (or, for `check`, out of date). */
  readonly files: readonly StaleFile[];
  /**
   * Hand-written upcasters that would fail: stubs not written yet, upcasters of removed versions. The
   * SDK is written all the same (a new stub is there to be filled in), but the commands exit 1.
   */
  readonly upcasterProblems: readonly SpecDiagnostic[];
  /** Every spec file read (absolute path → text as read), for a cache of runs. */
  readonly inputs: ReadonlyMap<string, string>;
  /** The output folder (absolute) and the files the specs generate into it, by relative path. */
  readonly output: { readonly dir: string; readonly files: ReadonlyMap<string, string> };
}

/** Read the specs and write the SDK; throws `SpecError` (with every problem) and leaves the output untouched on bad specs. */
export async function generate(options: Partial<GenerateOptions> = {}): Promise<GenerateResult> {
  const { plan, cwd, ...found } = await planOutput(options);
  return { ...found, files: writeOutput(plan, cwd) };
}

/** Read the specs and list the files of the SDK that are stale; writes nothing. */
export async function check(options: Partial<GenerateOptions> = {}): Promise<GenerateResult> {
  const { plan, cwd, ...found } = await planOutput(options);
  return { ...found, files: staleFiles(plan, cwd) };
}

async function planOutput(partial: Partial<GenerateOptions>) {
  const options = { ...defaultGenerateOptions(), ...partial };
  const emitter: SdkEmitter = options.emitter ?? new InProcessEmitter(options.renders);
  const outDir = resolve(options.cwd, options.out);
  const layout: Layout = {
    outDir,
    upcastersDir: resolve(options.cwd, options.upcasters),
    runtime: isPackageSpecifier(options.runtimeImport) ? options.runtimeImport : resolve(options.cwd, options.runtimeImport),
  };
  const loaded = await loadContracts({
    specs: options.specs,
    cwd: options.cwd,
    allowRemoteRefs: options.allowRemoteRefs,
    defaultCompatibility: options.defaultCompatibility,
    ...(emitter.prepare === undefined ? {} : { onEvents: (events: readonly EventModel[]) => emitter.prepare?.(events, layout, options.cwd) }),
    ...(options.parser === undefined ? {} : { parser: options.parser }),
    ...(options.loads === undefined ? {} : { cache: options.loads }),
  });
  // Emitting starts first (in a worker thread, for the CLI, where Modelina and ts-morph have loaded
  // and the hand-written upcasters have run on the examples meanwhile); the validators module is
  // written here from the compiler while it runs, and the upcasters' outputs judged with it.
  const emitting = emitter.emit(loaded.model, layout, options.cwd, loaded.compiler.shared);
  const validators = validatorsFiles(loaded.model.events, loaded.compiler, layout);
  // Awaited below; what `whileEmitting` throws is the run's failure, not an unhandled rejection of the emit.
  emitting.catch(() => {});
  options.whileEmitting?.({ model: loaded.model, locate: loaded.locate });
  const { generated: emitted, upcasters, upcastTrials } = await emitting;
  const upcastFindings = judgeUpcastTrials(upcastTrials, loaded.model.events, loaded.compiler);
  const generated = new Map([...emitted, ...validators].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const plan: OutputPlan = { outDir, generated, upcasters: upcasters.files };
  const output = { dir: outDir, files: generated };
  return { plan, cwd: options.cwd, model: loaded.model, warnings: loaded.warnings, locate: loaded.locate, upcasterProblems: [...upcasters.findings, ...upcastFindings], inputs: loaded.inputs, output };
}

/** True for `@scope/name/sub` or `name/sub`; false for `./x`, `../x` and absolute paths. */
function isPackageSpecifier(specifier: string): boolean {
  return !specifier.startsWith(".") && !isAbsolute(specifier);
}
