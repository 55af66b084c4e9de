import { DiagnosticSeverity, Parser, type AsyncAPIDocumentInterface, type Diagnostic } from "@asyncapi/parser";
import type { DiagnosticSink } from "./diagnostics.js";
import type { SourceFile, SourceFiles } from "./sources.js";

/** Reads AsyncAPI documents with `@asyncapi/parser`; one parser (and its compiled ruleset) serves every document. */
export class SpecParser {
  readonly #parser = new Parser();

  /** Parse one document; its error and warning diagnostics go to the sink. Undefined when the parser rejects it. */
  async parse(file: SourceFile, sources: SourceFiles, sink: DiagnosticSink): Promise<AsyncAPIDocumentInterface | undefined> {
    let result: Awaited<ReturnType<Parser["parse"]>>;
    try {
      result = await this.#parser.parse(file.text, { source: file.path, applyTraits: true });
    } catch (error) {
      sink.error("asyncapi-parser", `the parser failed: ${(error as Error).message}`, sources.start(file));
      return undefined;
    }
    for (const diagnostic of result.diagnostics) report(diagnostic, file, sources, sink);
    if (result.document === undefined && !result.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error)) {
      sink.error("asyncapi-parser", "the parser returned no document", sources.start(file));
    }
    return result.document;
  }
}

function report(diagnostic: Diagnostic, file: SourceFile, sources: SourceFiles, sink: DiagnosticSink): void {
  if (diagnostic.severity !== DiagnosticSeverity.Error && diagnostic.severity !== DiagnosticSeverity.Warning) return;
  const source = typeof diagnostic.source === "string" && diagnostic.source !== "" ? sources.display(diagnostic.source) : file.display;
  const location = { file: source, line: diagnostic.range.start.line + 1, column: diagnostic.range.start.character + 1 };
  const path = diagnostic.path.length > 0 ? ` at ${diagnostic.path.map(String).join(".")}` : "";
  const message = `${diagnostic.message}${path}`;
  if (diagnostic.severity === DiagnosticSeverity.Error) sink.error(String(diagnostic.code), message, location);
  else sink.warning(String(diagnostic.code), message, location);
}
