import { createHash } from "node:crypto";
import { DiagnosticSeverity, Parser, type AsyncAPIDocumentInterface, type Diagnostic } from "@asyncapi/parser";
import { DiagnosticSink, type SpecDiagnostic } from "./diagnostics.js";
import type { SourceFile, SourceFiles } from "./sources.js";
import { sharedStructureRules } from "./structure-rules.js";
import { withTrustedRulesets } from "./trusted-rulesets.js";

/** A document as parsed from given texts of its files, with what the parser said about it. */
interface ParsedEntry {
  readonly texts: string;
  readonly document: AsyncAPIDocumentInterface | undefined;
  readonly diagnostics: readonly SpecDiagnostic[];
}

/**
 * Reads AsyncAPI documents with `@asyncapi/parser`; one parser (and its compiled ruleset and
 * meta-schema) serves every document. It remembers the last parse of each document with the texts of every file it reached,
 * and answers from it while none of them changed (and their paths and display names are the same).
 */
export class SpecParser {
  // Without `cache: false`, the parser's resolver keeps every file a `$ref` reached for as long as the
  // parser lives: a document parsed again after an edit of a file it references would see the old text.
  // Its rulesets are code, validated by the test suite rather than on each run (`trusted-rulesets.ts`).
  readonly #parser = withTrustedRulesets(() => new Parser({ ruleset: sharedStructureRules(), __unstable: { resolver: { cache: false } } }));
  readonly #parsed = new Map<string, ParsedEntry>();

  /** Parse one document, whose `$ref`s reach the files `reached`; its error and warning diagnostics go to the sink. Undefined when the parser rejects it. */
  async parse(file: SourceFile, reached: readonly SourceFile[], sources: SourceFiles, sink: DiagnosticSink): Promise<AsyncAPIDocumentInterface | undefined> {
    const texts = textsOf(reached);
    let entry = this.#parsed.get(file.path);
    if (entry === undefined || entry.texts !== texts) {
      const found = new DiagnosticSink();
      const document = await this.#parse(file, sources, found);
      entry = { texts, document, diagnostics: found.all() };
      this.#parsed.set(file.path, entry);
    }
    sink.add(entry.diagnostics);
    return entry.document;
  }

  async #parse(file: SourceFile, sources: SourceFiles, sink: DiagnosticSink): Promise<AsyncAPIDocumentInterface | undefined> {
    let result: Awaited<ReturnType<Parser["parse"]>>;
    try {
      result = await this.#parser.parse(file.text, { source: file.path, applyTraits: true });
    } catch (error) {
      sink.error("asyncapi-parser", `the parser failed: ${(error as Error).message}`, sources.start(file));
      return undefined;
    }
    for (const diagnostic of withoutBranchEchoes(result.diagnostics)) if (!keyTypeWarning.test(diagnostic.message)) report(diagnostic, file, sources, sink);
    if (result.document === undefined && !result.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error)) {
      sink.error("asyncapi-parser", "the parser returned no document", sources.start(file));
    }
    return result.document;
  }
}

/**
 * The parser's warning about a key YAML reads as no string in a file a `$ref` reaches (in the document itself
 * the ruleset turns it off, `structure-rules.ts`): evc's YAML read warns where such a key becomes another string.
 */
const keyTypeWarning = /^Mapping key must be a string scalar rather than /;

function report(diagnostic: Diagnostic, file: SourceFile, sources: SourceFiles, sink: DiagnosticSink): void {
  if (diagnostic.severity !== DiagnosticSeverity.Error && diagnostic.severity !== DiagnosticSeverity.Warning) return;
  const source = typeof diagnostic.source === "string" && diagnostic.source !== "" ? sources.display(diagnostic.source) : file.display;
  const location = { file: source, line: diagnostic.range.start.line + 1, column: diagnostic.range.start.character + 1 };
  const path = diagnostic.path.length > 0 ? ` at ${diagnostic.path.map(String).join(".")}` : "";
  const message = `${diagnosticMessage(diagnostic)}${path}`;
  if (diagnostic.severity === DiagnosticSeverity.Error) sink.error(String(diagnostic.code), message, location);
  else sink.warning(String(diagnostic.code), message, location);
}

/** The message ajv gives where a value fails the `then` or `else` branch of an `if` in the AsyncAPI meta-schema. */
const branchFailure = /must match "(?:then|else)" schema$/;

/**
 * The parser's diagnostics without those that only echo a deeper one: the AsyncAPI meta-schema
 * picks the schema format of a payload with `if`/`then`/`else`, so every error inside a payload
 * also fails the branch at the payload itself ("payload" property must match "else" schema). Such a
 * branch failure is dropped when an error of the same rule lies under its path, which says what is wrong.
 */
export function withoutBranchEchoes<D extends Pick<Diagnostic, "code" | "message" | "path">>(diagnostics: readonly D[]): D[] {
  const echoes = (branch: D) =>
    branchFailure.test(branch.message) &&
    diagnostics.some((other) => other.code === branch.code && other.path.length > branch.path.length && branch.path.every((segment, index) => other.path[index] === segment));
  return diagnostics.filter((diagnostic) => !echoes(diagnostic));
}

/** A parser diagnostic's message, without the stack trace the parser appends when it crashed (code `uncaught-error`). */
export function diagnosticMessage(diagnostic: Pick<Diagnostic, "code" | "message">): string {
  if (diagnostic.code !== "uncaught-error") return diagnostic.message;
  const stack = diagnostic.message.indexOf(", stack: ");
  return `${stack === -1 ? diagnostic.message : diagnostic.message.slice(0, stack)} (the AsyncAPI parser crashed on this document; its stack trace is left out)`;
}

/** A hash of the paths, display names and texts of a document's files. */
function textsOf(files: readonly SourceFile[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file.path}\u0000${file.display}\u0000${file.text}\u0000`);
  return hash.digest("hex");
}
