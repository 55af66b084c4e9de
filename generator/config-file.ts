/**
 * Where the configuration is looked for, and the error of a malformed one: apart from the reader of
 * the configuration, so that naming the file or reporting the error loads no schema validator.
 */
import { ContractError } from "@evc/runtime/errors";
import { formatDiagnostic, type SpecDiagnostic } from "./diagnostics.js";

/** The name `evc` looks for in the working directory. */
export const configFileName = "evc.config.yaml";

/** Thrown when the configuration file (or the lock it names) cannot be read or is malformed; `diagnostics` say where. */
export class ConfigError extends ContractError {
  readonly diagnostics: readonly SpecDiagnostic[];

  constructor(diagnostics: readonly SpecDiagnostic[], what: "configuration" | "lock" = "configuration") {
    super(`invalid ${what}:\n${diagnostics.map(formatDiagnostic).join("\n")}`);
    this.name = "ConfigError";
    this.diagnostics = diagnostics;
  }
}
