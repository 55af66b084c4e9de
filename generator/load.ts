import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type CompatibilityMode, isPlainObject } from "@evc/runtime/codegen";
import { ArgumentError } from "@evc/runtime/errors";
import { buildDocumentModel, reserveEventNames, type ParsedDocument } from "./build-model.js";
import { SchemaCompiler } from "./compile.js";
import { DiagnosticSink, SpecError, type SourceLocation, type SpecDiagnostic } from "./diagnostics.js";
import { discoverDocuments, type DocumentEntry } from "./discover.js";
import type { ContractModel, EventModel } from "./model.js";
import { SpecParser } from "./parse.js";
import { checkReferences } from "./refs.js";
import { checkContracts, foldDuplicates } from "./rules.js";
import { judgeDowncasts } from "./downcasts.js";
import type { LoadCache } from "./load-cache.js";
import { systemUnionName } from "./naming.js";
import { ModelNamer } from "./schema-graph.js";
import { isWithin } from "./paths.js";
import { pointerTokens, SourceFiles } from "./sources.js";

/** Where the specs are and how to read them. */
export interface LoadOptions {
  /** A spec file, or a folder of them. */
  readonly specs: string;
  /** The folder relative paths start from. */
  readonly cwd: string;
  /** Let the parser fetch `http(s)` `$ref`s; off by default. */
  readonly allowRemoteRefs: boolean;
  /** The compatibility mode of messages that declare none (the configuration's); BACKWARD when absent. */
  readonly defaultCompatibility?: CompatibilityMode;
  /** The parser to read documents with; one kept across loads (watch mode) parses again only the documents whose files changed. */
  readonly parser?: SpecParser;
  /** What the last load read and compiled, kept across loads (watch mode): unchanged files are not parsed again, unchanged schemas not compiled again. */
  readonly cache?: LoadCache;
  /**
   * Told the events as soon as they are read, before the rules check them (whether or not the load then
   * succeeds); `generate` has its emitter start rendering their models then. The model's events are
   * these, in this order, some replaced by copies that carry the downcast verdict.
   */
  readonly onEvents?: (events: readonly EventModel[]) => void;
}

/** The model read from the specs, with the warnings found on the way and the compiler that checked it. */
export interface LoadedContracts {
  readonly model: ContractModel;
  readonly warnings: readonly SpecDiagnostic[];
  readonly compiler: SchemaCompiler;
  /** Where a path inside an event's payload schema (JSON pointer tokens) is written in the specs, following `$ref`s; the nearest enclosing node when the path goes further than the text. */
  readonly locate: (event: EventModel, schemaPath: readonly string[]) => SourceLocation;
  /** Every spec file read, `$ref`'d ones included: absolute path → text as read. */
  readonly inputs: ReadonlyMap<string, string>;
}

/**
 * Read every spec, build the intermediate model and apply every rule. Gathers all problems of all
 * files, then throws one `SpecError` carrying them; throws `ArgumentError` when `specs` does not exist.
 */
export async function loadContracts(options: LoadOptions): Promise<LoadedContracts> {
  const root = resolve(options.cwd, options.specs);
  const shown = new SourceFiles(options.cwd).display(root);
  if (!existsSync(root)) throw new ArgumentError("specs", `a spec file or folder, but "${shown}" does not exist`);
  const sink = new DiagnosticSink();
  const sources = new SourceFiles(options.cwd, options.cache?.files());
  const entries = discoverDocuments(root, options.cwd, (path) => {
    const file = sources.load(path, sink);
    return file === undefined || (isPlainObject(file.json) && "asyncapi" in file.json);
  });
  if (entries.length === 0) throw new ArgumentError("specs", `a folder holding AsyncAPI documents, but "${shown}" has none`);

  for (const entry of entries) {
    const first = entries.find((other) => systemUnionName(other.system) === systemUnionName(entry.system)) as DocumentEntry;
    if (first === entry) continue;
    const [shown, firstShown] = [sources.display(entry.path), sources.display(first.path)];
    const message =
      first.system === entry.system
        ? `"${shown}" and "${firstShown}" would both be system "${entry.system}" (one SDK folder, one union); rename one of the files`
        : `"${shown}" (system "${entry.system}") and "${firstShown}" (system "${first.system}") would both declare the union ${systemUnionName(entry.system)}; rename one of the files`;
    sink.error("evc-system-collision", message, { file: shown, line: 1, column: 1 });
  }
  const specsFolder = refsFolder(root, resolve(options.cwd));
  const parser = options.parser ?? new SpecParser();
  const parsed: ParsedDocument[] = [];
  for (const entry of entries) {
    const file = sources.load(entry.path, sink);
    const reached = file === undefined ? undefined : checkReferences(file, sources, sink, options.allowRemoteRefs, specsFolder);
    if (file === undefined || reached === undefined) continue;
    const document = await parser.parse(file, reached, sources, sink);
    if (document !== undefined) parsed.push({ system: entry.system, file, document });
  }

  const namer = new ModelNamer();
  const types = reserveEventNames(parsed, namer);
  const context = { sources, namer, sink, types, defaultMode: options.defaultCompatibility ?? "BACKWARD" } as const;
  const documents = parsed.map((document) => buildDocumentModel(document, context));
  const systems = documents.map((document) => document.system);
  const kept = foldDuplicates(documents.flatMap((document) => document.events), sink);
  options.onEvents?.(kept);
  const compiler = options.cache?.compilerFor(kept) ?? new SchemaCompiler(kept);
  const locateIn = (event: EventModel, tokens: readonly string[]): SourceLocation => {
    const file = sources.load(resolve(options.cwd, event.specFile), new DiagnosticSink());
    return file === undefined ? event.location : sources.locate(file, tokens);
  };
  checkContracts(systems, kept, compiler, sink, locateIn);
  const events = judgeDowncasts(kept, compiler, sink);
  const diagnostics = sink.all();
  options.cache?.keepFiles(sources.files());
  if (sink.hasErrors()) throw new SpecError(diagnostics);
  options.cache?.keepCompiler(compiler);
  const locate = (event: EventModel, schemaPath: readonly string[]): SourceLocation => locateIn(event, [...pointerTokens(event.payloadPointer), ...schemaPath]);
  return { model: { systems, events }, warnings: diagnostics, compiler, locate, inputs: sources.texts() };
}

/**
 * The folder `$ref`s may read files from: the specs folder; for a spec file, the working directory
 * when the file is in it (a layout such as `backend/asyncapi.yaml` beside `common/`), else the file's folder.
 */
function refsFolder(specs: string, cwd: string): string {
  if (statSync(specs).isDirectory()) return specs;
  return isWithin(cwd, specs) ? cwd : dirname(specs);
}
