import type { CommandRegistration } from "../io.js";
import { catalogCommand } from "./catalog.js";
import { compatCommand } from "./compat.js";
import { diffCommand } from "./diff.js";
import { checkCommand, generateCommand } from "./generate.js";
import { demoCommand } from "./demo.js";
import { dlqCommand } from "./dlq.js";
import { listCommand } from "./list.js";
import { publishCommand } from "./publish.js";
import { studioCommand } from "./studio.js";
import { tailCommand } from "./tail.js";

/** Every `evc` subcommand, one module each, in the order `evc --help` lists them. */
export const commands: readonly CommandRegistration[] = [
  generateCommand,
  checkCommand,
  listCommand,
  diffCommand,
  compatCommand,
  publishCommand,
  tailCommand,
  dlqCommand,
  studioCommand,
  catalogCommand,
  demoCommand,
];
