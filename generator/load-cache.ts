/**
 * What one load of the specs keeps for the next (`evc generate --watch`): the spec files it read,
 * taken again as they are while their text is the same, and its schema compiler, patched for the
 * next load's events (only the schemas that changed are compiled again). Only the last load's files
 * are kept; a compiler only from a load that succeeded (a load that failed may have patched it since).
 */
import { SchemaCompiler } from "./compile.js";
import type { EventModel } from "./model.js";
import type { SourceFile } from "./sources.js";

/** The spec files and the schema compiler of the last load, for the next one. */
export class LoadCache {
  #files: ReadonlyMap<string, SourceFile> = new Map();
  #compiler: SchemaCompiler | undefined;

  /** The files the last load read, by absolute path. */
  files(): ReadonlyMap<string, SourceFile> {
    return this.#files;
  }

  /** A compiler for these events: the last successful load's, patched for them where it can be, else a new one. */
  compilerFor(events: readonly EventModel[]): SchemaCompiler {
    return SchemaCompiler.reusing(events, this.#compiler);
  }

  /** Keep the files a load read, whether or not it succeeded. */
  keepFiles(files: ReadonlyMap<string, SourceFile>): void {
    this.#files = files;
  }

  /** Keep the compiler of a load that succeeded. */
  keepCompiler(compiler: SchemaCompiler): void {
    this.#compiler = compiler;
  }
}
