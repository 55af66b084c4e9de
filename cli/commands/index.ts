import type { CommandRegistration } from "../io.js";

/** Every `evc` subcommand, one module each, in the order `evc --help` lists them. */
export const commands: readonly CommandRegistration[] = [];
