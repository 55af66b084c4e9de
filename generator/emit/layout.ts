/** Where each generated file goes, and how files import one another. */
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import type { EventModel } from "../model.js";
import { fileSlug } from "../naming.js";

/** Paths of generated output, relative to the output folder, with `/` separators. */
export interface Layout {
  /** How generated code imports the runtime helpers: a package specifier (`@evc/runtime/codegen`), or an absolute path to a copy of them. */
  readonly runtime: string;
  /** Absolute folder of hand-written upcasters. */
  readonly upcastersDir: string;
  /** Absolute output folder. */
  readonly outDir: string;
}

/** The file of an event's class and contract: `<system>/<type>.v<N>.ts`. */
export function eventFile(event: EventModel): string {
  return `${event.system}/${fileSlug(event.type)}.v${event.version}.ts`;
}

/** The standalone validators of every event: `validators.ts`. */
export const validatorsFile = "validators.ts";

/** The schemas several events share, defined once for every system: `schemas.ts`. */
export const schemasFile = "schemas.ts";

/** The hand-written upcasters of an event type: `<system>/<type>.ts` in the upcasters folder. */
export function upcasterFile(layout: Layout, event: EventModel): string {
  return join(layout.upcastersDir, event.system, `${fileSlug(event.type)}.ts`);
}

/** The module specifier that imports `to` (relative to the output folder) from the file `from` (likewise). */
export function importBetween(from: string, to: string): string {
  return dotted(relative(dirname(from), to).split(sep).join("/")).replace(/\.ts$/, ".js");
}

/** The specifier of the runtime helpers as seen from a generated file. */
export function runtimeImport(layout: Layout, from: string): string {
  return isAbsolute(layout.runtime) ? importOfAbsolute(layout, from, layout.runtime) : layout.runtime;
}

/** The specifier of an absolute file (an upcaster) as seen from a generated file. */
export function importOfAbsolute(layout: Layout, from: string, to: string): string {
  return specifierBetween(join(layout.outDir, from), to);
}

/** The specifier that imports the absolute file `to` from the absolute file `from`. */
export function specifierBetween(from: string, to: string): string {
  const path = isAbsolute(to) ? relative(dirname(from), to) : to;
  return dotted(path.split(sep).join("/")).replace(/\.ts$/, ".js");
}

function dotted(path: string): string {
  return path.startsWith(".") ? path : `./${path}`;
}
