import type { CommandRegistration } from "../io.js";
import { compatCommand } from "./compat.js";
import { diffCommand } from "./diff.js";
import { checkCommand, generateCommand } from "./generate.js";
import { demoCommand } from "./demo.js";
import { dlqCommand } from "./dlq.js";
import { listCommand } from "./list.js";
import { publishCommand } from "./publish.js";
import { releaseCommand } from "./release.js";
import { tailCommand } from "./tail.js";

/** Every `evc` subcommand, one module each, in the order `evc --help` lists them. */
export const commands: readonly CommandRegistration[] = [
  generateCommand,
  checkCommand,
  releaseCommand,
  listCommand,
  diffCommand,
  compatCommand,
  publishCommand,
  tailCommand,
  dlqCommand,
  demoCommand,
];
