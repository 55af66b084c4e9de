import type { CommandRegistration } from "../io.js";
import { checkCommand, generateCommand } from "./generate.js";
import { listCommand } from "./list.js";

/** Every `evc` subcommand, one module each, in the order `evc --help` lists them. */
export const commands: readonly CommandRegistration[] = [generateCommand, checkCommand, listCommand];
