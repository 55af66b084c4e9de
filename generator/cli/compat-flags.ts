/** The `--mode` and `--policy` flags of `evc compat` and `evc diff`. */
import { compatibilityModes } from "../compat/check.js";
import type { CompatibilityPolicy } from "../compat/differ.js";
import type { CompatibilityMode } from "@evc/runtime/codegen";
import { ArgumentError } from "@evc/runtime/errors";

/** Read `--mode` (any case); throws `ArgumentError` naming the modes. */
export function parseMode(text: string): CompatibilityMode {
  const mode = compatibilityModes.find((candidate) => candidate === text.toUpperCase());
  if (mode === undefined) throw new ArgumentError("mode", `one of ${compatibilityModes.join(", ")}, but "${text}" is none`);
  return mode;
}

/** Read `--policy`; throws `ArgumentError` unless it is strict or lenient. */
export function parsePolicy(text: string): CompatibilityPolicy {
  if (text === "strict" || text === "lenient") return text;
  throw new ArgumentError("policy", `strict or lenient, but "${text}" is neither`);
}
