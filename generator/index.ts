/** The generator's public API: read AsyncAPI specs, build the model, emit or check the SDK. */
export { check, defaultGenerateOptions, generate } from "./generate.js";
export type { GenerateOptions, GenerateResult } from "./generate.js";
export { SpecParser } from "./parse.js";
export { ModelRenderCache } from "./emit/render-cache.js";
export { InProcessEmitter } from "./emit/emitter.js";
export type { EmittedSdk, SdkEmitter } from "./emit/emitter.js";
export { EmitWorkerError, WorkerSdkEmitter } from "./emit/worker-emitter.js";
export { LoadCache } from "./load-cache.js";
export { loadContracts } from "./load.js";
export type { LoadOptions, LoadedContracts } from "./load.js";
export { SpecError, formatDiagnostic } from "./diagnostics.js";
export type { SourceLocation, SpecDiagnostic } from "./diagnostics.js";
export type { ContractModel, EventModel, ExampleModel, SystemModel, UpcastModel } from "./model.js";
export type { StaleFile } from "./output.js";
export { ConfigError, configFileName, defaultConfig, loadConfig } from "./config.js";
export type { AcceptedBreak, CompatibilityConfig, ConfigOptions, EvcConfig } from "./config.js";
